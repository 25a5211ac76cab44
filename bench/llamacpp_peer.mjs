// llamacpp_peer.mjs: the peer of bench/decode_bench — llama.cpp itself (prebuilt, from the npm package
// node-llama-cpp@3.21.1) timing the same GGUF: prefill of one prompt, greedy decode of one sequence,
// and greedy decode of several sequences in parallel (llama.cpp batches them into one step).
// Prints one JSON line: {backend, threads, prefill_tok_s, decode1_tok_s, decodeN_tok_s, sequences,
// peak_rss_mb}. Run by bench/peer-bench.sh, which installs the package under build/peer.
//   node bench/llamacpp_peer.mjs --model FILE.gguf [--gpu cpu|vulkan|cuda] [--threads N]
//        [--prompt 128] [--decode 64] [--sequences 8]
import { getLlama } from "node-llama-cpp";

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && at + 1 < process.argv.length ? process.argv[at + 1] : fallback;
}

const modelPath = option("model", null);
if (!modelPath) {
  console.error("usage: llamacpp_peer.mjs --model FILE.gguf [--gpu cpu|vulkan|cuda] [--threads N]");
  process.exit(2);
}
const backend = option("gpu", "cpu");
const threads = Number(option("threads", "2"));
const promptTokens = Number(option("prompt", "128"));
const decodeTokens = Number(option("decode", "64"));
const sequences = Number(option("sequences", "8"));

const llama = await getLlama({ gpu: backend === "cpu" ? false : backend, build: "never", logLevel: "error" });
const model = await llama.loadModel({ modelPath, gpuLayers: backend === "cpu" ? 0 : "max" });
const context = await model.createContext({
  contextSize: (promptTokens + decodeTokens + 8) * sequences,
  sequences,
  batchSize: Math.max(promptTokens, sequences),
  threads,
});

// A fixed prompt of ordinary tokens (the model's own tokenization of a plain text, repeated), the
// same for every run and valid for any vocabulary size.
const text = "Once upon a time, there was a little girl who liked to read books about the sea. ";
let prompt = [];
while (prompt.length < promptTokens) prompt = prompt.concat(Array.from(model.tokenize(text)));
prompt = prompt.slice(0, promptTokens);

const seconds = (start) => Number(process.hrtime.bigint() - start) / 1e9;

// Greedy decode of `count` tokens after the sequence's history; returns tokens/s.
async function decode(sequence, first, count) {
  let produced = 0;
  const start = process.hrtime.bigint();
  for await (const token of sequence.evaluate([first], { temperature: 0 })) {
    void token;
    if (++produced >= count) break;
  }
  return { rate: produced / seconds(start), produced };
}

const all = Array.from({ length: sequences }, () => context.getSequence());
const one = all[0];
// Warm-up: a short prefill and a few decode steps, then forget them.
await one.evaluateWithoutGeneratingNewTokens(prompt.slice(0, 16));
await decode(one, prompt[16], 4);
await one.clearHistory();

let start = process.hrtime.bigint();
await one.evaluateWithoutGeneratingNewTokens(prompt);
const prefill = promptTokens / seconds(start);
const single = await decode(one, prompt[0], decodeTokens);
await one.clearHistory();

// Parallel sequences: each gets the prompt (prefilled together), then all decode at once.
await Promise.all(all.map((s) => s.evaluateWithoutGeneratingNewTokens(prompt)));
start = process.hrtime.bigint();
const runs = await Promise.all(all.map((s) => decode(s, prompt[0], decodeTokens)));
const parallel = runs.reduce((sum, r) => sum + r.produced, 0) / seconds(start);

console.log(JSON.stringify({
  backend, threads, sequences,
  prefill_tok_s: +prefill.toFixed(1),
  decode1_tok_s: +single.rate.toFixed(1),
  decodeN_tok_s: +parallel.toFixed(1),
  peak_rss_mb: +(process.resourceUsage().maxRSS / 1024).toFixed(1),
}));
await context.dispose();
await model.dispose();
await llama.dispose();
