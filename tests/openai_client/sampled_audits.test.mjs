// A model with Qwen3's real vocabulary (151,936 tokens: tests/tokenizer.cmake's qwen3-tiny.gguf,
// random weights) under concurrent requests sampled as an OpenAI client samples (temperature 1, no
// top-k): each worker draws its running sequences' next tokens in parallel (gpu_worker
// `draw_threads`: rows this long go to its pool), and all-in-one's three validators audit every job
// (audit_rate 1 here) with each replay's positions checked in parallel (validator `check_threads`).
// Every answer completes, and `infergrid trace` shows three signed innocent verdicts for each, every
// generated token checked and none implausible.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, test } from 'node:test';

import OpenAI from 'openai';

import { devKey, eventually, sourceDir, startGrid } from './grid.mjs';

const binary = process.env.INFERGRID_BIN ?? path.join(process.env.INFERGRID_BINARY_DIR ?? 'build', 'actors/cli/infergrid');
const model = 'qwen3-tiny';
let grid;
let client;

before(async () => {
  const fixtureDir = process.env.INFERGRID_TOKENIZER_WORK_DIR;
  assert.ok(fixtureDir, 'INFERGRID_TOKENIZER_WORK_DIR is not set (tests/tokenizer.cmake sets it)');
  grid = await startGrid({
    model: { path: path.join(fixtureDir, `${model}.gguf`), name: model },
    edit: (text) => text.replaceAll('audit_rate: 0.1', 'audit_rate: 1.0'),
  });
  client = new OpenAI({ apiKey: devKey, baseURL: grid.baseURL, maxRetries: 0, timeout: 120000 });
});
after(async () => {
  if (grid) await grid.stop();
});

test('concurrent OpenAI-sampled answers on a 152k-token vocabulary complete, and every validator finds each innocent', async () => {
  const asks = Array.from({ length: 8 }, (_, i) => client.chat.completions.create({
    model,
    messages: [{ role: 'user', content: `Tell me story number ${i}.` }],
    max_tokens: 20,  // temperature, top_p: the API's defaults (1, 1)
  }));
  const replies = await Promise.all(asks);
  for (const reply of replies) {
    const choice = reply.choices[0];
    assert.ok(['length', 'stop'].includes(choice.finish_reason), JSON.stringify(reply));
    assert.ok(reply.usage.completion_tokens >= 1 && reply.usage.completion_tokens <= 20, JSON.stringify(reply.usage));
  }
  for (const reply of replies) {
    await eventually(() => {
      const traced = spawnSync(binary, ['trace', reply.id, '--config', grid.configPath],
        { cwd: sourceDir, encoding: 'utf8', timeout: 60000 });
      assert.equal(traced.status, 0, traced.stderr);
      const checked = [...traced.stdout.matchAll(/\(signed\): innocent — (\d+) tokens checked, 0 implausible/g)];
      assert.equal(checked.length, 3, traced.stdout);
      for (const [, tokens] of checked) assert.equal(Number(tokens), reply.usage.completion_tokens, traced.stdout);
      assert.doesNotMatch(traced.stdout, /GUILTY/);
    }, 90000);
  }
});
