// The dashboard against a real `infergrid up` (tests/dashboard.cmake): a few completions are served,
// then the JSON endpoints' numbers are checked against what the client saw, `infergrid status`
// against the same grid, and the page in headless Chromium: no console errors, numbers equal to the
// JSON, a job's click-through reaching its ledger entries, a screenshot under the build dir. Then
// the bridge's answer cache: concurrent readers share one build, a kept answer is rebuilt after
// dashboard_cache_ms with a new job in it, and an operator's kept answer never reaches other callers.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { devKey, eventually, startGrid } from './grid.mjs';
import { openDashboard } from './dashboard_page.mjs';

const operatorKey = 'sk-infergrid-operator-dev';
const binary = process.env.INFERGRID_BIN ?? path.join(process.env.INFERGRID_BINARY_DIR ?? 'build', 'actors/cli/infergrid');
const artifacts = path.join(process.env.INFERGRID_BINARY_DIR ?? 'build', 'dashboard-artifacts');
let grid;
const served = [];  // { id, completion_tokens } as the client saw them
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

async function getJson(route, key) {
  const res = await fetch(`${grid.origin}${route}`, { headers: key ? { Authorization: `Bearer ${key}` } : {} });
  return { status: res.status, body: await res.json() };
}

// A dashboard answer's bytes, with when it was built (now - X-Answer-Age-Ms) on this clock.
async function getAnswer(route, key) {
  const res = await fetch(`${grid.origin}${route}`, { headers: key ? { Authorization: `Bearer ${key}` } : {} });
  const text = await res.text();
  const age = res.headers.get('x-answer-age-ms');
  return { status: res.status, text, builtAtMs: age === null ? null : Date.now() - Number(age) };
}

// The bridge's infergrid_dashboard_answers_total counters from GET /metrics.
async function answerCounts() {
  const text = await (await fetch(`${grid.origin}/metrics`)).text();
  const count = (how) => Number(text.match(new RegExp(`^infergrid_dashboard_answers_total\\{how="${how}"\\} (\\d+)$`, 'm'))[1]);
  return { built: count('built'), shared: count('shared') };
}

async function serveOne(content) {
  const res = await fetch(`${grid.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${devKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ model: 'stories260k', max_tokens: 2, temperature: 0, messages: [{ role: 'user', content }] }),
  });
  assert.equal(res.status, 200);
  return (await res.json()).id;
}

// How long the bridge serves a built dashboard answer to every reader (http_bridge
// dashboard_cache_ms; 1000 by default): longer here, so a kept answer is seen being kept.
const cacheMs = 3000;
const refreshMs = 1000;  // dashboard_refresh_ms (default): how often the bridge asks the grid

// Epochs close every 2 s (the settlement actor's epoch driver, a funded treasury paying each busy
// period's pool), so miners' earnings per closed epoch fill while the test runs; the ledger view
// lists enough entries that the served requests' settlements stay in it despite the closes.
function withEpochs(text) {
  const edited = text.replace(/^(\s+)db: (\S+)$/m, '$1db: $2\n$1epoch_interval_s: 2')
    .replace('genesis_deposits: {dev: 1000000000000}', 'genesis_deposits: {dev: 1000000000000, treasury: 1000000000000}')
    .replace('operator_keys: [sk-infergrid-operator-dev]',
      `operator_keys: [sk-infergrid-operator-dev], dashboard_ledger_entries: 200, dashboard_cache_ms: ${cacheMs}`);
  assert.ok(edited.includes('epoch_interval_s: 2') && edited.includes('treasury: ') && edited.includes('dashboard_ledger_entries'),
    'the settlement and http_bridge settings were not found');
  return edited;
}

// What the ledger file says each miner was paid in each closed epoch (`infergrid ledger history`
// and `ledger epochs` on the running grid's ledger): epoch -> miner -> { receipts, rewards, paid }.
function ledgerEarnings(miners) {
  const db = path.join(grid.dir, 'infergrid-ledger.db');
  const run = (...args) => execFileSync(binary, ['ledger', '--db', db, ...args], { encoding: 'utf8' });
  const roots = [...run('epochs').matchAll(/^epoch (\d+)\s+entry (\d+)/gm)].map((m) => ({ epoch: Number(m[1]), last: Number(m[2]) }));
  const epochOf = (seq) => roots.find((r) => seq <= r.last)?.epoch;
  const out = new Map();
  for (const miner of miners) {
    for (const m of run('history', miner, '--limit', '10000').matchAll(/^#(\d+)\s+(\S+)\s+(-?\d+)\.(\d{6})\s/gm)) {
      const [seq, operation] = [Number(m[1]), m[2]];
      const micro = (m[3].startsWith('-') ? -1 : 1) * (Math.abs(Number(m[3])) * 1e6 + Number(m[4]));
      const epoch = epochOf(seq);
      if (epoch === undefined || micro <= 0) continue;
      if (!out.has(epoch)) out.set(epoch, new Map());
      const row = out.get(epoch).get(miner) ?? { receipts: 0, rewards: 0, paid: 0 };
      if (operation === 'settle' || operation === 'partial_settle') { row.receipts += micro; row.paid += 1; }
      if (operation === 'epoch_close') row.rewards += micro;
      out.get(epoch).set(miner, row);
    }
  }
  return out;
}

before(async () => {
  grid = await startGrid({ edit: withEpochs });
  for (const [i, stream] of [[0, false], [1, false], [2, true], [3, false]]) {
    const res = await fetch(`${grid.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${devKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ model: 'stories260k', max_tokens: 8 + 4 * i, temperature: 0, stream,
        ...(stream ? { stream_options: { include_usage: true } } : {}), messages: [{ role: 'user', content: `Story number ${i}` }] }),
    });
    assert.equal(res.status, 200);
    if (!stream) {
      const body = await res.json();
      served.push({ id: body.id, completion_tokens: body.usage.completion_tokens, miner: body.miner });
      continue;
    }
    const chunks = (await res.text()).split('\n').filter((l) => l.startsWith('data: {')).map((l) => JSON.parse(l.slice(6)));
    served.push({ id: chunks[0].id, completion_tokens: chunks.at(-1).usage.completion_tokens, miner: chunks.find((c) => c.miner)?.miner });
  }
});

after(async () => { if (grid) await grid.stop(); });

test('network, jobs and series endpoints match what was served', async () => {
  const jobs = await eventually(async () => {
    const { body } = await getJson('/dashboard/api/jobs');
    for (const s of served) assert.ok(body.jobs.some((j) => j.request_id === s.id && j.receipt), `job ${s.id} with its receipt`);
    return body.jobs;
  });

  for (const s of served) {
    const job = jobs.find((j) => j.request_id === s.id);
    assert.equal(job.completion_tokens, s.completion_tokens, `${s.id}: receipt tokens = usage`);
    assert.equal(job.miner, s.miner, `${s.id}: the miner the response named`);
    assert.equal(job.model, 'stories260k');
  }
  const { body: net } = await getJson('/dashboard/api/network');
  assert.equal(net.matchmaker.reached, true);
  assert.equal(net.totals.workers, 2);
  assert.equal(net.nodes.length, 2);
  assert.equal(net.totals.slots, net.nodes.reduce((sum, n) => sum + n.slots, 0));
  assert.ok(net.totals.completed >= served.length);
  assert.equal(net.models[0].model, 'stories260k');
  assert.equal(net.models[0].workers, 2);
  await eventually(async () => {  // heartbeats carry the counts: allow one to arrive
    const { body } = await getJson('/dashboard/api/network');
    const generated = body.nodes.reduce((sum, n) => sum + n.tokens_generated, 0);
    assert.ok(generated >= served.reduce((sum, s) => sum + s.completion_tokens, 0), 'workers report the tokens they generated');
  });
  const { body: series } = await getJson('/dashboard/api/series?seconds=300');
  assert.equal(series.seconds.length, 300);
  assert.equal(series.seconds.reduce((sum, p) => sum + p.requests, 0), served.length);
  assert.equal(series.seconds.reduce((sum, p) => sum + p.completion_tokens, 0), served.reduce((sum, s) => sum + s.completion_tokens, 0));
  assert.ok(series.seconds.some((p) => p.latency_p99_ms > 0 && p.first_token_p50_ms > 0));
});

test('account endpoints need an operator key and agree with the ledger', async () => {
  assert.equal((await getJson('/dashboard/api/ledger')).status, 401);
  assert.equal((await getJson('/dashboard/api/miners', devKey)).status, 401, 'an API key is not an operator key');
  assert.equal((await getJson(`/dashboard/api/jobs/${served[0].id}`)).status, 401);
  const ledger = await eventually(async () => {
    const { status, body } = await getJson('/dashboard/api/ledger', operatorKey);
    assert.equal(status, 200);
    for (const s of served) assert.ok(body.entries.some((e) => e.op_id.startsWith(`receipt/${s.id}/`)), `settlement of ${s.id}`);
    return body;
  });
  assert.equal(ledger.verification.ok, true, ledger.verification.error);
  assert.equal(ledger.verification.entries_checked, ledger.entries.length);
  assert.equal(ledger.entries[0].seq, ledger.last_seq);
  const { body: miners } = await getJson('/dashboard/api/miners', operatorKey);
  for (const miner of new Set(served.map((s) => s.miner))) {
    const row = miners.miners.find((m) => m.miner === miner);
    const account = ledger.accounts.find((a) => a.account === miner);
    assert.ok(row.online && row.account.earnings_balance_micro > 0, `${miner} earned`);
    assert.equal(row.account.earnings_balance_micro, account.balance_micro);
  }
  const { status, body: detail } = await getJson(`/dashboard/api/jobs/${served[0].id}`, operatorKey);
  assert.equal(status, 200);
  assert.deepEqual(detail.miners, [served[0].miner]);
  assert.equal(detail.receipts[0].completion_tokens, served[0].completion_tokens);
  const ops = detail.ledger_entries.map((e) => e.operation);
  assert.deepEqual(ops.slice(0, 2), ['escrow', 'settle']);
  assert.ok(ops.slice(2).every((op) => op === 'verdict'), `then only validators' verdicts (audits are drawn at random): ${ops}`);
  assert.equal(detail.ledger_entries[0].op_id, `escrow/${served[0].id}`);
  assert.equal((await getJson('/dashboard/api/jobs/no-such-request', operatorKey)).status, 404);
});

test('miners\' earnings per closed epoch match the ledger', async () => {
  const miners = [...new Set(served.map((s) => s.miner))];
  // Every served request's receipt paid in some closed epoch listed (canaries may add more).
  const body = await eventually(async () => {
    const { status, body } = await getJson('/dashboard/api/miners', operatorKey);
    assert.equal(status, 200);
    assert.ok(body.earnings_per_epoch.length > 0, 'closed epochs listed');
    assert.ok(body.earnings_per_epoch.every((e) => e.complete), 'every listed epoch summed');
    for (const miner of miners) {
      const paid = body.earnings_per_epoch.flatMap((e) => e.miners).filter((m) => m.miner === miner)
        .reduce((sum, m) => sum + m.paid_receipts, 0);
      assert.ok(paid >= served.filter((s) => s.miner === miner).length, `${miner}: every receipt paid in a closed epoch`);
    }
    return body;
  }, 30000);
  const epochs = body.earnings_per_epoch;
  assert.ok(epochs.length <= 8, 'the newest dashboard_earnings_epochs (8) epochs');
  for (let i = 1; i < epochs.length; ++i) {
    assert.ok(epochs[i - 1].epoch > epochs[i].epoch, 'newest first');
    assert.equal(epochs[i - 1].first_seq, epochs[i].last_seq + 1, 'consecutive entry ranges');
  }
  const ledger = ledgerEarnings(miners);
  for (const e of epochs) {
    for (const miner of miners) {
      const fromLedger = ledger.get(e.epoch)?.get(miner) ?? { receipts: 0, rewards: 0, paid: 0 };
      const row = e.miners.find((m) => m.miner === miner) ?? { receipts_micro: 0, rewards_micro: 0, paid_receipts: 0, earned_micro: 0 };
      assert.equal(row.receipts_micro, fromLedger.receipts, `epoch ${e.epoch} ${miner}: receipts as the ledger paid them`);
      assert.equal(row.paid_receipts, fromLedger.paid, `epoch ${e.epoch} ${miner}: paid receipts`);
      assert.equal(row.rewards_micro, fromLedger.rewards, `epoch ${e.epoch} ${miner}: the epoch reward`);
      assert.equal(row.earned_micro, row.receipts_micro + row.rewards_micro);
    }
  }
});

test('infergrid status prints the same grid', () => {
  const text = execFileSync(binary, ['status', '--config', grid.configPath, '--jobs', '20'], { encoding: 'utf8' });
  assert.match(text, /^workers 2 · slots 16 free \d+/m);
  assert.match(text, /chain check ok/);
  assert.match(text, /^stories260k\s+2\s+16\s/m);
  for (const s of served) {
    assert.match(text, new RegExp(`^${s.id}\\s+stories260k\\s+${s.miner.slice(0, 14)}…\\s+\\d+\\+${s.completion_tokens}\\s+signed`, 'm'));
  }
  const watched = execFileSync(binary, ['status', '--config', grid.configPath, '--watch', '--interval', '0.2', '--iterations', '2'],
    { encoding: 'utf8' });
  assert.equal(watched.match(/\x1b\[H\x1b\[2Jgrid local at /g).length, 2, 'two pictures, each on a cleared screen');
});

test('the page in headless Chromium shows the JSON numbers and reaches a job\'s ledger entries', async () => {
  const browser = await openDashboard(grid.origin, operatorKey);
  try {
    const { body: before } = await getJson('/dashboard/api/network');
    const page = await browser.evaluate(`(() => ({
      workers: document.getElementById('total-workers').textContent,
      slots: document.getElementById('total-slots').textContent,
      completed: Number(document.getElementById('total-completed').textContent),
      nodes: document.querySelectorAll('#nodes-table tbody tr').length,
      jobs: [...document.querySelectorAll('#jobs-table tbody tr')].map((tr) => tr.dataset.requestId),
      lastSeq: document.getElementById('ledger-last-seq').textContent,
      verification: document.getElementById('ledger-verification').textContent,
      miners: [...document.querySelectorAll('#miners-table tbody tr')].map((tr) => tr.dataset.miner),
    }))()`);
    const { body: later } = await getJson('/dashboard/api/network');
    assert.equal(page.workers, String(before.totals.workers));
    assert.equal(page.slots, String(before.totals.slots));
    assert.equal(page.nodes, before.nodes.length);
    assert.ok(page.completed >= before.totals.completed - 2 && page.completed <= later.totals.completed, 'completed as the JSON says');
    for (const s of served) assert.ok(page.jobs.includes(s.id), `${s.id} listed`);
    for (const s of served) assert.ok(page.miners.includes(s.miner), `${s.miner} in the miners table`);
    assert.match(page.verification, /^ok \(\d+ checked\)$/);
    // Earnings per closed epoch: the page's rows are the JSON's (an epoch may close between the reads).
    const earningsRows = await browser.evaluate('[...document.querySelectorAll("#earnings-table tbody tr")].map((tr) => ({ ...tr.dataset }))');
    const { body: minersNow } = await getJson('/dashboard/api/miners', operatorKey);
    const fromJson = new Map(minersNow.earnings_per_epoch.flatMap((e) => e.miners.map((m) => [`${e.epoch}/${m.miner}`, String(m.earned_micro)])));
    assert.ok(earningsRows.length > 0, 'earnings per epoch shown');
    const matched = earningsRows.filter((r) => fromJson.has(`${r.epoch}/${r.miner}`));
    assert.ok(matched.length >= earningsRows.length - 2, 'the page lists the JSON\'s epochs');
    for (const r of matched) assert.equal(r.earnedMicro, fromJson.get(`${r.epoch}/${r.miner}`), `epoch ${r.epoch} ${r.miner}`);
    const { body: ledger } = await getJson('/dashboard/api/ledger', operatorKey);
    assert.ok(Number(page.lastSeq) > 0 && Number(page.lastSeq) <= ledger.last_seq);

    const target = served[1].id;
    await browser.evaluate(`document.querySelector('#jobs-table a[href="#job/${target}"]').click()`);
    await browser.waitFor('document.querySelectorAll("#job-entries-table tr.ledger-entry").length >= 2');
    const opIds = await browser.evaluate('[...document.querySelectorAll("#job-entries-table tr.ledger-entry")].map((tr) => tr.dataset.opId)');
    const { body: detail } = await getJson(`/dashboard/api/jobs/${target}`, operatorKey);
    assert.deepEqual(opIds, detail.ledger_entries.map((e) => e.op_id));
    assert.equal(opIds[0], `escrow/${target}`);
    await browser.screenshot(path.join(artifacts, 'dashboard.png'));
    assert.deepEqual(browser.errors, [], 'no console errors or uncaught exceptions');
  } finally {
    await browser.close();
  }
});

test('32 concurrent readers of an endpoint share one built answer (one bus lookup for a job\'s detail)', async () => {
  const routes = [['/dashboard/api/network'], ['/dashboard/api/series?seconds=60'], ['/dashboard/api/ledger', operatorKey],
    [`/dashboard/api/jobs/${served[2].id}`, operatorKey]];
  for (const [route, key] of routes) {
    const before = await answerCounts();
    const answers = await Promise.all(Array.from({ length: 32 }, () => getAnswer(route, key)));
    const after = await answerCounts();
    const built = after.built - before.built;
    assert.ok(answers.every((a) => a.status === 200), route);
    assert.equal(built + after.shared - before.shared, 32, `${route}: every read counted once`);
    assert.ok(built <= 2, `${route}: built ${built} times for 32 readers`);  // 2: the kept one expired mid-burst
    assert.ok(new Set(answers.map((a) => a.text)).size <= built + 1, `${route}: readers got the built bytes`);
  }
});

test('a kept answer is served until dashboard_cache_ms, then built again with a new job', async () => {
  let first = await getAnswer('/dashboard/api/jobs');
  if (Date.now() - first.builtAtMs > 200) {  // start from a freshly built answer
    await sleep(first.builtAtMs + cacheMs + 50 - Date.now());
    first = await getAnswer('/dashboard/api/jobs');
  }
  assert.ok(Date.now() - first.builtAtMs <= 200, `a fresh answer (built ${Date.now() - first.builtAtMs} ms ago)`);
  const id = await serveOne('A story told after the answer was built');
  const kept = await getAnswer('/dashboard/api/jobs');
  assert.ok(Date.now() - first.builtAtMs < cacheMs - 100, 'the completion was served within dashboard_cache_ms');
  assert.equal(kept.text, first.text, 'the kept bytes, unchanged');
  assert.ok(Math.abs(kept.builtAtMs - first.builtAtMs) < 100, 'its age says when it was built');
  assert.ok(!JSON.parse(kept.text).jobs.some((j) => j.request_id === id), 'the new job is not in the kept answer');
  const deadline = Date.now() + cacheMs + refreshMs + 5000;
  let fresh;
  for (;;) {
    fresh = await getAnswer('/dashboard/api/jobs');
    if (JSON.parse(fresh.text).jobs.some((j) => j.request_id === id)) break;
    assert.ok(Date.now() < deadline, `job ${id} not listed within dashboard_cache_ms + dashboard_refresh_ms + 5 s`);
    await sleep(100);
  }
  assert.ok(fresh.builtAtMs >= first.builtAtMs + cacheMs - 100, 'built again only after the kept one expired');
});

test('a kept operator answer is never served to a caller without an operator key', async () => {
  for (const route of ['/dashboard/api/ledger', '/dashboard/api/miners', '/dashboard/api/keys', `/dashboard/api/jobs/${served[0].id}`]) {
    const kept = await getAnswer(route, operatorKey);
    assert.equal(kept.status, 200, route);
    assert.equal((await getAnswer(route, operatorKey)).text, kept.text, `${route}: an operator gets the kept bytes`);
    for (const key of [undefined, devKey, 'sk-not-an-operator-key']) {
      const other = await getAnswer(route, key);
      assert.equal(other.status, 401, `${route} with ${key ?? 'no key'}`);
      assert.equal(JSON.parse(other.text).error.type, 'authentication_error');
      assert.equal(other.builtAtMs, null, 'an error of its own, not a kept answer');
    }
  }
});
