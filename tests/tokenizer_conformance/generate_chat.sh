#!/bin/sh
# `infergrid generate --chat` on a Qwen3-vocabulary model whose weights emit <|im_end|> every step
# (qwen3-stop.gguf, made by make_fixtures.sh): the prompt is rendered with the file's ChatML template
# (special tokens parsed), the reply stops at <|im_end|> at once and prints nothing — neither the
# prompt nor the end token; --no-think closes an empty think block; model-info names the template.
# Without --chat the same model continues the raw prompt, echoed first.
#   generate_chat.sh INFERGRID_BIN WORK_DIR
set -u
infergrid=$1
model=$2/qwen3-stop.gguf
fail() { echo "generate_chat: $*" >&2; exit 1; }
out=$("$infergrid" generate -m "$model" --chat --system "Be brief." -p "Hello there" -n 8 --temp 0 --show-prompt \
  2>"$2/generate_chat.err") || fail "exit $?: $(cat "$2/generate_chat.err")"
err=$(cat "$2/generate_chat.err")
printf '%s\n---\n%s\n' "$out" "$err"
expected=$(printf 'prompt: <|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHello there<|im_end|>\n<|im_start|>assistant\n')
case $err in *"$expected"*) ;; *) fail "the rendered ChatML prompt is not on stderr";; esac
printf '%s' "$err" | grep -q 'prefill: 18 tokens' || fail "the prompt's special tokens were not parsed (18 tokens expected)"
printf '%s' "$err" | grep -q 'stopped: end_of_generation' || fail "the reply did not stop at <|im_end|>"
[ -z "$out" ] || fail "stdout should be the (empty) reply only, got: $out"
think=$("$infergrid" generate -m "$model" --chat --no-think -p hi -n 2 --temp 0 --show-prompt 2>&1) || fail "--no-think: $think"
case $think in *"$(printf '<|im_start|>assistant\n<think>\n\n</think>\n\n')"*) ;; *) fail "--no-think: no empty think block";; esac
raw=$("$infergrid" generate -m "$model" -p "Hello there" -n 2 --temp 0 2>/dev/null) || fail "without --chat: exit $?"
[ "$raw" = "Hello there" ] || fail "without --chat the prompt is echoed and the model stops at once, got: $raw"
"$infergrid" generate -m "$model" --system x -p hi -n 1 2>/dev/null && fail "--system without --chat was accepted"
"$infergrid" model-info "$model" | grep -qx 'chat template: qwen3' || fail "model-info does not name the qwen3 template"
echo "generate_chat: passed"
