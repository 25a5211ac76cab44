// Price discovery seen by a user of a live `infergrid up` (tests/http.cmake runs it): each worker
// reads its asks from an asks file; `GET /v1/models` shows OpenRouter-style pricing that follows
// an ask changed while serving; /metrics exports the price index; when two otherwise equal workers
// ask different prices, the cheaper one serves more of the traffic (the clearing price shows it);
// a request is charged the serving worker's ask, not the bridge's caps (the job's ledger entries).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import OpenAI from 'openai';

import { devKey, startGrid } from './grid.mjs';

const model = 'stories260k';
let grid;
let client;

function setAsks(worker, prompt, completion) {
  // A fresh file (rename): a worker never reads it half written.
  const file = path.join(grid.dir, `asks-${worker}.yaml`);
  fs.writeFileSync(`${file}.tmp`, `{price_prompt_micro: ${prompt}, price_completion_micro: ${completion}}\n`);
  fs.renameSync(`${file}.tmp`, file);
}

async function listed() {
  const res = await fetch(`${grid.baseURL}/models`, { headers: { Authorization: `Bearer ${devKey}` } });
  assert.equal(res.status, 200);
  return (await res.json()).data.find((m) => m.id === model);
}

// Polls /v1/models until `check(entry)` holds (heartbeats and the bridge's refresh take ~1 s).
async function eventually(check, what) {
  const deadline = Date.now() + 15000;
  let entry;
  while (Date.now() < deadline) {
    entry = await listed();
    if (entry && check(entry)) return entry;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.fail(`${what}; last listing: ${JSON.stringify(entry)}`);
}

before(async () => {
  grid = await startGrid({
    edit: (text, dir) =>
      text.replace(/(name: worker-(\d)\n\s+kind: gpu_worker\n\s+settings: \{)/g, `$1asks_file: ${dir}/asks-$2.yaml, `),
  });
  client = new OpenAI({ apiKey: devKey, baseURL: grid.baseURL, maxRetries: 0, timeout: 60000 });
});

after(async () => {
  const result = await grid?.stop();
  if (result) assert.equal(result.code, 0, `infergrid up did not exit cleanly:\n${grid.output()}`);
});

test('/v1/models shows pricing that follows the workers asks as they change', async () => {
  setAsks(1, 100, 200);
  setAsks(2, 100, 200);
  let entry = await eventually((m) => m.pricing?.completion === '0.0000002', 'pricing at the asks files');
  assert.equal(entry.pricing.prompt, '0.0000001');
  assert.equal(entry.price_index.ask_completion.median, 200);
  setAsks(1, 300, 600);
  setAsks(2, 300, 600);
  entry = await eventually((m) => m.pricing.completion === '0.0000006', 'pricing after both asks rose');
  assert.equal(entry.pricing.prompt, '0.0000003');
  assert.equal(entry.price_index.ask_completion.p10, 600);
  const metrics = await (await fetch(`${grid.origin}/metrics`)).text();
  assert.match(metrics, /infergrid_model_ask_micro\{model="stories260k",kind="completion",quantile="0.5"\} 600/);
});

test('the cheaper of two otherwise equal workers serves more of the traffic', async () => {
  setAsks(1, 100, 200);
  setAsks(2, 100, 700);  // under the bridge's default completion cap (800): both may serve
  await eventually((m) => m.price_index.ask_completion.p10 === 200 && m.price_index.ask_completion.p90 === 700,
                   'both new asks listed');
  const ask = () => client.completions.create({ model, prompt: 'Once upon a time', max_tokens: 12, temperature: 0 });
  for (let i = 0; i < 6; i++) await ask();  // one at a time: both idle, the cheaper one wins each time
  // Then a burst: price is one factor of the cost (load another); the cheaper worker still takes most.
  await Promise.all(Array.from({ length: 12 }, ask));
  const entry = await eventually((m) => m.price_index.cleared.jobs >= 18, 'the jobs cleared');
  // Token-weighted: under 450 (the mean of 200 and 700) only if the cheaper worker served most tokens.
  assert.ok(entry.price_index.cleared.completion < 450, JSON.stringify(entry.price_index));
  assert.ok(entry.price_index.cleared.completion >= 200, JSON.stringify(entry.price_index));
});

test('a request is charged the ask of the worker that served it, not the bridge caps', async () => {
  setAsks(1, 150, 300);
  setAsks(2, 150, 300);
  await eventually((m) => m.price_index.ask_completion.p10 === 300 && m.price_index.ask_completion.p90 === 300,
                   'both asks at 150 / 300');
  const answer = await client.completions.create({ model, prompt: 'Once upon a time', max_tokens: 12, temperature: 0 });
  // The receipt settles just after the answer; the job's page (operator key) shows both.
  const deadline = Date.now() + 15000;
  let detail;
  while (Date.now() < deadline) {
    const res = await fetch(`${grid.origin}/dashboard/api/jobs/${answer.id}`,
                            { headers: { Authorization: 'Bearer sk-infergrid-operator-dev' } });
    detail = res.status === 200 ? await res.json() : undefined;
    if (detail?.ledger_entries?.some((e) => e.operation === 'settle')) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const settle = detail?.ledger_entries?.find((e) => e.operation === 'settle');
  assert.ok(settle, `no settle entry: ${JSON.stringify(detail)}`);
  assert.equal(detail.receipts[0].price_prompt_micro, 150);
  assert.equal(detail.receipts[0].price_completion_micro, 300);
  // What left the payer (dev) went to the miner and the treasury's fee: the ask, rounded down, not
  // the escrow's caps (400 / 800); the rest of the escrow went back to dev.
  const cost = settle.postings.filter((p) => p.account !== 'dev').reduce((sum, p) => sum + p.delta_micro, 0);
  const { prompt_tokens: prompt, completion_tokens: completion } = answer.usage;
  assert.equal(cost, Math.floor((prompt * 150 + completion * 300) / 1000), JSON.stringify(settle.postings));
  const refund = settle.postings.find((p) => p.account === 'dev' && p.bucket === 'balance');
  assert.ok(refund && refund.delta_micro > 0, 'the escrow at the caps held more than the ask: the rest came back');
});
