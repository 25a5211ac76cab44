// The settlement actor's epoch driver against a live `infergrid up` (tests/http.cmake runs it):
// with `epoch_interval_s: 2`, epochs close by themselves while the `openai` client is served; the
// tokens the closes count equal the usage the grid served; a busy period measures utilisation and
// pays a pool, idle ones pay nothing; and after a stop and a restart on the same ledger file every
// period — those that ended while the grid was down included — is closed exactly once, in order,
// and `ledger verify` passes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';

import OpenAI from 'openai';

import { devKey, eventually, sourceDir, startGrid } from './grid.mjs';

const binary = process.env.INFERGRID_BIN ?? path.join(process.env.INFERGRID_BINARY_DIR ?? 'build', 'actors/cli/infergrid');
const intervalS = 2;
const ledgerDir = fs.mkdtempSync(path.join(os.tmpdir(), 'infergrid-epochs-'));
const ledgerFile = path.join(ledgerDir, 'ledger.db');
let grid;

after(async () => {
  if (grid) await grid.stop();
  fs.rmSync(ledgerDir, { recursive: true, force: true });
});

// The all-in-one grid with its ledger in a folder that outlives one run, the driver on, a funded
// treasury (it pays the pools), and no validator canaries (their requests would add tokens no
// client asked for).
function withEpochDriver(text) {
  const edited = text.replace(/^(\s+)db: \S+$/m, `$1db: ${ledgerFile}\n$1epoch_interval_s: ${intervalS}`)
    .replace(', canary_interval_ms: 30000}', '}')
    .replace('genesis_deposits: {dev: 1000000000000}', 'genesis_deposits: {dev: 1000000000000, treasury: 1000000000000}');
  assert.ok(edited.includes(`epoch_interval_s: ${intervalS}`) && edited.includes('treasury: '),
    'the settlement settings were not found');
  return edited;
}

// Every "closed epoch N by demand" line the settlement actor logged in this run.
function closesLogged(output) {
  const pattern = /closed epoch (\d+) by demand \(period (\d+) \.\. (\d+) ms\): (\d+) tokens settled, utilisation (\d+) ppm, queue p95 (\d+) ms, (\d+) jobs -> reward pool (\d+) micro/g;
  return [...output.matchAll(pattern)].map((m) => ({
    epoch: Number(m[1]), from: Number(m[2]), until: Number(m[3]), tokens: Number(m[4]),
    utilisation: Number(m[5]), jobs: Number(m[7]), pool: Number(m[8]),
  }));
}

// The grid's warn and error lines and its refunds (for failure messages).
function warnings(output) {
  return output.split('\n').filter((line) => / (warn|error) |refund/.test(line)).join('\n');
}

function ledger(...args) {
  const run = spawnSync(binary, ['ledger', '--db', ledgerFile, ...args], { cwd: sourceDir, encoding: 'utf8' });
  assert.equal(run.status, 0, `infergrid ledger ${args.join(' ')}: ${run.stdout}${run.stderr}`);
  return run.stdout;
}

// The period ends (in s) of the demand-driven closes `ledger epochs` lists, in ledger order.
function demandCloseEnds() {
  return [...ledger('epochs').matchAll(/op epoch-demand\/(\d+)$/gm)].map((m) => Number(m[1]));
}

test('epochs close on the timer, count the served tokens, and none is skipped or doubled across a restart', async () => {
  grid = await startGrid({ edit: withEpochDriver });
  // Retries: 4 clients at once can pass the dev key's rate limit (a 429 comes before any escrow).
  const client = new OpenAI({ apiKey: devKey, baseURL: grid.baseURL, maxRetries: 5, timeout: 60000 });

  // A busy stretch: 4 clients at once for a bit more than one period.
  const served = [];
  const until = Date.now() + 1000 * intervalS * 1.5;
  await Promise.all([0, 1, 2, 3].map(async (c) => {
    for (let i = 0; Date.now() < until; i++) {
      const done = await client.completions.create({ model: 'stories260k', prompt: `Once upon a time ${c} ${i}`, max_tokens: 24 });
      served.push(done.usage.total_tokens);
    }
  }));
  const servedTokens = served.reduce((a, b) => a + b, 0);
  assert.ok(served.length >= 4, `only ${served.length} completions served`);

  // Every settled token is counted by some close once the periods holding the receipts have ended.
  const closes = await eventually(() => {
    const logged = closesLogged(grid.output());
    assert.equal(logged.reduce((a, c) => a + c.tokens, 0), servedTokens,
      `tokens counted by the closes so far; the grid's warnings:\n${warnings(grid.output())}`);
    return logged;
  }, 20000);
  const busy = closes.filter((c) => c.tokens > 0);
  // (A period's tokens are the receipts settled in it: the last jobs of a busy stretch may settle in
  // the next, quiet period, which then pays little or nothing by the utilisation it measured.)
  assert.ok(busy.some((c) => c.pool > 0 && c.utilisation > 0 && c.jobs > 0),
    `the busy periods measure demand and pay a pool: ${JSON.stringify(busy)}`);
  // Periods end on multiples of the interval; the first starts when the driver first ran.
  closes.forEach((c, i) => {
    assert.equal(c.until % (intervalS * 1000), 0, `a period ends off the interval: ${JSON.stringify(c)}`);
    const length = c.until - c.from;
    assert.ok(i === 0 ? length > 0 && length <= intervalS * 1000 : length === intervalS * 1000,
      `period ${i} is ${length} ms long: ${JSON.stringify(c)}`);
  });
  // After the traffic: idle periods close with nothing to pay.
  const idle = await eventually(() => {
    const quiet = closesLogged(grid.output()).filter((c) => c.jobs === 0 && c.tokens === 0);
    assert.ok(quiet.length >= 1, 'no idle period closed yet');
    return quiet;
  }, 10000);
  assert.ok(idle.every((c) => c.pool === 0), `idle periods pay no pool: ${JSON.stringify(idle)}`);
  const metrics = await (await fetch(`${grid.origin}/metrics`)).text();
  assert.match(metrics, new RegExp(`^infergrid_epoch_interval_seconds ${intervalS}$`, 'm'));
  assert.match(metrics, /^infergrid_epoch_timer_closes_total [1-9]\d*$/m);

  // Stopped for more than two periods, then started again on the same ledger file.
  const first = await grid.stop();
  grid = null;
  assert.equal(first.code, 0, `infergrid up did not exit cleanly: ${JSON.stringify(first)}`);
  const before = demandCloseEnds();
  const downSince = Date.now();
  await new Promise((resolve) => setTimeout(resolve, 1000 * intervalS * 2.5));
  grid = await startGrid({ edit: withEpochDriver });
  const restartedAt = Date.now();
  // The periods that ended while the grid was down are closed once the driver runs again.
  await eventually(() => {
    const ends = closesLogged(grid.output()).map((c) => c.until / 1000);
    assert.ok(ends.some((e) => e * 1000 >= restartedAt), 'no period closed after the restart yet');
  }, 15000);
  const second = await grid.stop();
  grid = null;
  assert.equal(second.code, 0, `infergrid up did not exit cleanly the second time: ${JSON.stringify(second)}`);

  const ends = demandCloseEnds();
  assert.deepEqual(ends.slice(0, before.length), before, 'the restart rewrote no earlier close');
  assert.equal(new Set(ends).size, ends.length, `a period closed twice: ${ends}`);
  for (let i = 1; i < ends.length; i++) {
    assert.equal(ends[i] - ends[i - 1], intervalS, `periods skipped between ${ends[i - 1]} and ${ends[i]}: ${ends}`);
  }
  const duringDowntime = ends.filter((e) => e * 1000 > downSince && e * 1000 < restartedAt);
  assert.ok(duringDowntime.length >= 2, `the periods that ended while down were closed: ${ends} (down ${downSince}..${restartedAt})`);
  assert.match(ledger('verify'), /^ledger OK/m);
});
