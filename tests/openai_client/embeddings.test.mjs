// POST /v1/embeddings through the clients people use, against a live grid (deploy/all-in-one.yaml on
// the bundled stories260k, every job audited): the openai package (its default base64 encoding and
// "float"), @langchain/openai's OpenAIEmbeddings and the AI SDK's embed / embedMany. Each vector is the
// model's mean-pooled final hidden state at unit length, the same text always gives the same vector,
// each input is its own job (billed for its prompt tokens, audited by the validators: `infergrid
// trace --identity` shows the validators' innocent verdicts with the cosine they measured and the
// ledger's escrow and settlement), and what is not supported is a 400 naming it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { OpenAIEmbeddings } from '@langchain/openai';
import { cosineSimilarity, embed, embedMany } from 'ai';
import OpenAI from 'openai';

import { devKey, eventually, rejection, sourceDir, startGrid } from './grid.mjs';

const binary = process.env.INFERGRID_BIN ?? path.join(process.env.INFERGRID_BINARY_DIR ?? 'build', 'actors/cli/infergrid');
const model = 'stories260k';
const width = 64;  // stories260k's hidden state
let grid;
let client;

before(async () => {
  // Every finished job goes to the validators' audit (all-in-one audits 10 %), and a key of the
  // test's own is a coordinator, so `infergrid trace --identity` may read the ledger's entries.
  grid = await startGrid({
    edit: (text, dir) => {
      const made = spawnSync(binary, ['keygen', '--out', path.join(dir, 'tracer')], { encoding: 'utf8' });
      assert.equal(made.status, 0, made.stderr);
      return text.replaceAll('audit_rate: 0.1', 'audit_rate: 1.0')
        .replace('  transport: plaintext\n', `  transport: plaintext\n  coordinators: [${path.join(dir, 'tracer', 'signing.pub')}]\n`);
    },
  });
  client = new OpenAI({ apiKey: devKey, baseURL: grid.baseURL, maxRetries: 0 });
});
after(async () => {
  if (grid) await grid.stop();
});

function assertUnit(vector) {
  assert.equal(vector.length, width);
  assert.ok(vector.every(Number.isFinite));
  const length = Math.sqrt(vector.reduce((sum, x) => sum + x * x, 0));
  assert.ok(Math.abs(length - 1) < 1e-4, String(length));
}

test('openai: embeddings.create (base64 by default, and float) gives unit vectors; the same text the same vector', async () => {
  const one = await client.embeddings.create({ model, input: 'Once upon a time' });
  assert.equal(one.object, 'list');
  assert.equal(one.model, model);
  assert.equal(one.data.length, 1);
  assert.equal(one.data[0].object, 'embedding');
  assert.equal(one.data[0].index, 0);
  assertUnit(one.data[0].embedding);
  assert.ok(one.usage.prompt_tokens > 0);
  assert.equal(one.usage.total_tokens, one.usage.prompt_tokens);

  const texts = ['Once upon a time', 'The little dog ran to the park', 'Once upon a time'];
  const many = await client.embeddings.create({ model, input: texts, encoding_format: 'float' });
  assert.deepEqual(many.data.map((d) => d.index), [0, 1, 2]);
  many.data.forEach((d) => assertUnit(d.embedding));
  // float and base64 carry the same float32 values; the same text gives the same vector.
  assert.deepEqual(many.data[0].embedding, one.data[0].embedding);
  assert.deepEqual(many.data[2].embedding, many.data[0].embedding);
  assert.ok(cosineSimilarity(many.data[0].embedding, many.data[1].embedding) < 0.9999);
  assert.equal(many.usage.prompt_tokens, 2 * one.usage.prompt_tokens + (await client.embeddings.create({ model, input: texts[1] })).usage.prompt_tokens);
});

test('LangChain OpenAIEmbeddings: embedQuery and embedDocuments', async () => {
  const embeddings = new OpenAIEmbeddings({ model, apiKey: devKey, configuration: { baseURL: grid.baseURL }, maxRetries: 0 });
  const query = await embeddings.embedQuery('A big red ball');
  assertUnit(query);
  const documents = await embeddings.embedDocuments(['A big red ball', 'She opened the door']);
  assert.equal(documents.length, 2);
  documents.forEach(assertUnit);
  assert.deepEqual(documents[0], query);
});

test('AI SDK: embed and embedMany through @ai-sdk/openai-compatible', async () => {
  const provider = createOpenAICompatible({ name: 'infergrid', baseURL: grid.baseURL, apiKey: devKey });
  const embeddingModel = provider.textEmbeddingModel(model);
  const single = await embed({ model: embeddingModel, value: 'Tom and his friend went', maxRetries: 0 });
  assertUnit(single.embedding);
  assert.ok(single.usage.tokens > 0);
  const batch = await embedMany({ model: embeddingModel, values: ['Tom and his friend went', 'In the morning the sun'], maxRetries: 0 });
  assert.equal(batch.embeddings.length, 2);
  assert.ok(cosineSimilarity(batch.embeddings[0], single.embedding) > 0.99999);
});


test('what is not supported or not valid is a 400 naming it; an unknown model 404; no key 401', async () => {
  const dimensions = await rejection(client.embeddings.create({ model, input: 'x', dimensions: 8 }));
  assert.equal(dimensions.status, 400);
  assert.equal(dimensions.param, 'dimensions');
  assert.equal(dimensions.code, 'unsupported');
  const tokens = await rejection(client.embeddings.create({ model, input: [[1, 2, 3]] }));
  assert.equal(tokens.status, 400);
  assert.equal(tokens.param, 'input');
  const empty = await rejection(client.embeddings.create({ model, input: ['fine', ''] }));
  assert.equal(empty.status, 400);
  assert.equal(empty.param, 'input[1]');
  const format = await rejection(client.embeddings.create({ model, input: 'x', encoding_format: 'int8' }));
  assert.equal(format.param, 'encoding_format');
  const tooLong = await rejection(client.embeddings.create({ model, input: ['fine', 'Once upon a time '.repeat(400)] }));
  assert.equal(tooLong.status, 400);
  assert.equal(tooLong.code, 'context_length_exceeded');
  assert.equal(tooLong.param, 'input[1]');
  const unknown = await rejection(client.embeddings.create({ model: 'no-such-model', input: 'x' }));
  assert.equal(unknown.status, 404);
  const anonymous = new OpenAI({ apiKey: 'sk-wrong', baseURL: grid.baseURL, maxRetries: 0 });
  assert.equal((await rejection(anonymous.embeddings.create({ model, input: 'x' }))).status, 401);
  const garbage = await fetch(`${grid.baseURL}/embeddings`, {
    method: 'POST', headers: { Authorization: `Bearer ${devKey}`, 'Content-Type': 'application/json' }, body: '{"model": ',
  });
  assert.equal(garbage.status, 400);
  // The grid still serves.
  assertUnit((await client.embeddings.create({ model, input: 'still here' })).data[0].embedding);
});

test('each input is a job the validators audit and the ledger bills: infergrid trace shows both', async () => {
  const answer = await client.embeddings.create({ model, input: 'A big red ball' });
  assert.match(answer.id, /^embd-[0-9a-f]{32}$/);
  const trace = (...extra) => spawnSync(binary, ['trace', answer.id, '--config', grid.configPath, ...extra],
    { cwd: sourceDir, encoding: 'utf8', timeout: 60000 });
  await eventually(() => {
    const traced = trace('--identity', path.join(grid.dir, 'tracer', 'signing.key'));
    assert.equal(traced.status, 0, traced.stderr);
    assert.match(traced.stdout, /embedding of a prompt/);
    assert.match(traced.stdout, /completion 0 tokens/);
    // all-in-one's three validators each audit it (audit_rate 1): one prefill, the vectors compared.
    const verdicts = traced.stdout.match(/innocent — embedding cosine 1\.0000\d\d/g) ?? [];
    assert.equal(verdicts.length, 3, traced.stdout);
    assert.doesNotMatch(traced.stdout, /GUILTY/);
    // Escrowed, then settled at the prompt tokens' price: the ledger's own entries for the job.
    assert.match(traced.stdout, /ledger {5}entry \d+ escrow/);
    assert.match(traced.stdout, /ledger {5}entry \d+ settle/);
  }, 60000);
  // A stranger's key reads the trace but not the ledger.
  assert.match(trace().stdout, /ledger {5}withheld: entries are for coordinators/);
});
