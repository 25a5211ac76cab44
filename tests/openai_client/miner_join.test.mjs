// `infergrid miner join` and `infergrid miner status` as a new miner uses them (tests/http.cmake runs
// it as miner_join_e2e): a live `infergrid up` hub with a stake gate and no workers of its own; a
// miner's node config; `miner join` refuses clearly while no grid answers (but has made the keys),
// for an unknown model, and for an account too poor to stake; once the operator has funded the
// account (`infergrid ledger deposit`, between ledger runs), `miner join` benchmarks the model on
// the local Vulkan device, stakes, estimates its earnings and serves — the openai client's requests
// are answered by it, and `miner status` shows its stake, audits and the ledger's payments for them.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import OpenAI from 'openai';

import { devKey, eventually, freePort, sourceDir, startGrid } from './grid.mjs';

const binary = process.env.INFERGRID_BIN ?? path.join(process.env.INFERGRID_BINARY_DIR ?? 'build', 'actors/cli/infergrid');
const operatorKey = 'sk-infergrid-operator-dev';
let work;
let hubPort;
let grid;
let miner;
let minerOutput = '';

function cli(...args) {
  return spawnSync(binary, args, { cwd: sourceDir, encoding: 'utf8', timeout: 120000 });
}

// A miner's node config as deploy/cluster/three-host/miner.yaml, on loopback (plaintext, as the hub).
async function writeMinerConfig(name) {
  const keys = path.join(work, 'keys', name);
  const file = path.join(work, `${name}.yaml`);
  fs.writeFileSync(file, `node: {name: ${name}, bind: "tcp://127.0.0.1:${await freePort()}"}
security: {identity: ${keys}/signing.key, transport: plaintext}
peers:
  - {name: local, endpoint: "tcp://127.0.0.1:${hubPort}", actors: [matchmaker, settlement]}
actors:
  - {name: health, kind: health}
  - name: gpu_worker
    kind: gpu_worker
    settings: {model_path: deploy/models/stories260k.gguf, slots: 4, identity_file: ${keys}/signing.key}
`);
  return { file, keys };
}

// The all-in-one grid as a hub: no workers of its own, any key admitted as a member (miners stake
// their own accounts), workers scheduled once the ledger shows 100 tokens staked; its ledger is ours,
// and its epochs close every second (so a miner that leaves sees its unbonding mature).
function asHub(text) {
  const hub = text
    .replace(/  - name: worker-\d\n    kind: gpu_worker\n    settings: \{[^}]*\}\n/g, '')
    .replace(/^(security:\n  transport: plaintext\n)/m, '$1  admit: open\n')
    .replace(/^(node:\n  name: local\n  bind: tcp:\/\/127\.0\.0\.1:)\d+/m, `$1${hubPort}`)
    .replace(/^(      receipts_to: settlement.*\n)/m, '$1      min_stake_micro: 100000000\n      stake_from: settlement\n')
    .replace(/^(\s+)db: \S+$/m, `$1db: ${path.join(work, 'ledger.db')}\n$1epoch_interval_s: 1`);
  for (const expected of ['admit: open', `:${hubPort}`, 'stake_from: settlement', 'ledger.db', 'epoch_interval_s: 1']) {
    assert.ok(hub.includes(expected), `the hub config lacks ${expected}:\n${hub}`);
  }
  assert.ok(!/kind: gpu_worker/.test(hub), 'the hub has no workers of its own');
  return hub;
}

const m1 = {};
const m2 = {};

before(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'infergrid-miner-'));
  hubPort = await freePort();
  Object.assign(m1, await writeMinerConfig('miner-1'));
  Object.assign(m2, await writeMinerConfig('miner-2'));
});

after(async () => {
  if (miner && miner.exitCode === null) miner.kill('SIGKILL');
  const exit = await grid?.stop();
  fs.rmSync(work, { recursive: true, force: true });
  if (exit) assert.equal(exit.code, 0, `infergrid up did not exit cleanly: ${JSON.stringify(exit)}\n${grid.output()}`);
});

test('without a grid, join says so after making the keys; an unknown model is refused', () => {
  for (const m of [m1, m2]) {
    const join = cli('miner', 'join', '--config', m.file, '--timeout-ms', '1000');
    assert.equal(join.status, 1, join.stdout + join.stderr);
    assert.match(join.stdout, /keys\s+created/);
    assert.match(join.stderr, /no grid reachable: local\/matchmaker: nothing listening at tcp:\/\/127\.0\.0\.1:\d+: is the node running\?/);
    m.account = fs.readFileSync(path.join(m.keys, 'signing.pub'), 'utf8').trim();
    assert.match(m.account, /^[0-9a-f]{64}$/);
    assert.equal(fs.statSync(path.join(m.keys, 'signing.key')).mode & 0o777, 0o600);
    assert.ok(fs.existsSync(path.join(m.keys, 'transport.key')), 'the keygen layout: transport keys too');
  }
  const unknown = cli('miner', 'join', '--config', m1.file, '--model', 'no-such-model');
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /unknown model 'no-such-model': .*miner-1\.yaml's gpu_workers serve: stories260k/);
  const help = cli('miner', 'join', '--help');
  assert.equal(help.status, 0);
  for (const flag of ['--config', '--stake', '--no-serve', '--benchmark-tokens']) assert.ok(help.stdout.includes(flag), flag);
  assert.match(cli('miner', '--help').stdout, /join[\s\S]*status/);
});

test('the operator funds the miners; the grid comes up as a hub with a stake gate', async () => {
  // README "Run a miner": deposits go into the ledger file between ledger node runs.
  const db = path.join(work, 'ledger.db');
  for (const [m, tokens] of [[m1, '250'], [m2, '50']]) {
    const deposit = cli('ledger', 'deposit', m.account, tokens, '--kind', 'miner', '--db', db, '--create');
    assert.equal(deposit.status, 0, deposit.stderr);
  }
  grid = await startGrid({ servesModel: false, edit: asHub });
});

test('an account too poor to stake is refused before anything is bonded', () => {
  const join = cli('miner', 'join', '--config', m2.file);
  assert.equal(join.status, 1, join.stdout + join.stderr);
  assert.match(join.stdout, /account\s+balance 50(\.0+)? · staked 0/);
  assert.match(join.stderr, /not enough balance to stake: staking 100(\.0+)? needs 100(\.0+)? more, the balance holds 50/);
});

test('miner join benchmarks, stakes, estimates and serves; the grid sends it real requests', async () => {
  miner = spawn(binary, ['miner', 'join', '--config', m1.file], { cwd: sourceDir, stdio: ['ignore', 'pipe', 'pipe'] });
  miner.stdout.on('data', (d) => (minerOutput += d));
  miner.stderr.on('data', (d) => (minerOutput += d));
  await eventually(() => {
    if (miner.exitCode !== null) throw new Error(`miner join exited ${miner.exitCode}:\n${minerOutput}`);
    assert.ok(minerOutput.includes(`registered as ${m1.account}`), minerOutput);
  }, 120000);
  assert.match(minerOutput, /keys\s+found .*miner-1 · miner id [0-9a-f]{64}/);
  assert.match(minerOutput, /grid\s+local\/matchmaker reached: 0 workers/);
  assert.match(minerOutput, /account\s+balance 250(\.0+)? · staked 0/);
  assert.match(minerOutput, /\[#+\] 100% loading stories260k/, 'a progress bar for the model load');
  assert.match(minerOutput, /\[#+\] 100% benchmark/, 'and for the benchmark');
  assert.match(minerOutput, /device\s+\S/);
  const bench = minerOutput.match(/benchmark ([\d.]+) tokens\/s for one sequence .*; ([\d.]+) tokens\/s with all 4 slots/);
  assert.ok(bench, minerOutput);
  const [oneSequence, allSlots] = [Number(bench[1]), Number(bench[2])];
  assert.ok(oneSequence > 0 && allSlots > 0);
  assert.match(minerOutput, /stake\s+bonded 100(\.0+)? \(ledger entry \d+/);
  assert.match(minerOutput, /the ledger schedules this miner/);
  assert.match(minerOutput, /earnings estimate for stories260k \(per hour\):\n\s+price\s+\d+ micro per 1k/);
  assert.match(minerOutput, /≈ [\d.]+ tokens\/hour with every slot busy/);
  console.log(minerOutput.split('\n').filter((l) => /benchmark|device|estimate|price|load|throughput|≈/.test(l)).join('\n'));

  const client = new OpenAI({ apiKey: devKey, baseURL: grid.baseURL, maxRetries: 0, timeout: 60000 });
  // The bridge lists the model once its next look at the matchmaker sees the worker (about a second).
  await eventually(async () => {
    const models = await client.models.list();
    assert.ok(models.data.some((m) => m.id === 'stories260k'), JSON.stringify(models.data));
  });
  const served = [];
  for (const prompt of ['Once upon a time', 'The cat', 'A dog ran', 'One day']) {
    const answer = await client.chat.completions.create({ model: 'stories260k', max_tokens: 20, temperature: 0,
      messages: [{ role: 'user', content: prompt }] });
    assert.ok(answer.usage.completion_tokens > 0);
    served.push(answer.id);
  }
  const jobs = await eventually(async () => {
    const res = await fetch(`${grid.origin}/dashboard/api/jobs`);
    const listed = (await res.json()).jobs;
    assert.ok(listed.length >= served.length, JSON.stringify(listed));
    return listed;
  });
  assert.ok(jobs.every((j) => j.miner === m1.account), `every job served by the new miner: ${JSON.stringify(jobs)}`);

  const network = await (await fetch(`${grid.origin}/dashboard/api/network`)).json();
  const node = network.nodes.find((n) => n.worker_id === m1.account);
  assert.ok(node, JSON.stringify(network.nodes));
  assert.ok(Math.abs(node.measured_tokens_per_second - oneSequence) <= 0.051,
    `the grid shows the benchmark's ${oneSequence} tokens/s, not a new probe: ${JSON.stringify(node)}`);
});

test('miner status shows the miner online, its stake, audits and the ledger\'s payments', async () => {
  const shown = await eventually(() => {
    const status = cli('miner', 'status', '--config', m1.file);
    assert.equal(status.status, 0, status.stdout + status.stderr);
    const paid = status.stdout.match(/earnings\s+([\d.]+) from (\d+) paid receipts/);
    assert.ok(paid && Number(paid[2]) >= 4 && Number(paid[1]) > 0, status.stdout);
    return status.stdout;
  });
  console.log(shown);
  assert.match(shown, new RegExp(`miner\\s+${m1.account}`));
  assert.match(shown, /worker\s+online as miner-1\/gpu_worker · serves stories260k at [\d.]+ tokens\/s advertised/);
  assert.match(shown, /standing\s+reputation \d+‰/);
  assert.match(shown, /jobs\s+(\d+) of the grid's \d+ most recent jobs served by you: \d+ prompt \+ \d+ completion tokens/);
  assert.match(shown, /audits\s+\d+ of them audited by validators/);
  assert.match(shown, /ledger\s+balance 15\d\.\d+ · staked 100(\.0+)? · unbonding 0(\.0+)? · schedulable/);
  assert.match(shown, /verdicts\s+\d+ validators' verdicts/);
  // The whole history is summed, page by page: 3 entries a page gives the same sums as 500.
  const summed = (text) => text.match(/^earnings .*\(all your (\d+) ledger entries\)$/m);
  await eventually(() => {  // (a validator's verdict may land between the two reads: read again)
    const paged = cli('miner', 'status', '--config', m1.file, '--page-entries', '3');
    assert.equal(paged.status, 0, paged.stderr);
    const [whole, inPages] = [summed(cli('miner', 'status', '--config', m1.file).stdout), summed(paged.stdout)];
    assert.ok(whole && inPages, paged.stdout);
    assert.ok(Number(inPages[1]) > 3, 'more than one page');
    assert.equal(inPages[0], whole[0], 'the same entries and sums');
  });
  assert.match(cli('miner', 'status', '--config', m1.file, '--entries', '2').stdout, /\(your newest 2 ledger entries\)/);

  const other = cli('miner', 'status', '--config', m2.file);
  assert.equal(other.status, 0, other.stderr);
  assert.match(other.stdout, /worker\s+offline/);
  assert.match(other.stdout, /ledger\s+balance 50(\.0+)? · staked 0(\.0+)? · unbonding 0(\.0+)? · NOT schedulable/);
});

test('the miner stops cleanly on SIGTERM and the grid notices', async () => {
  const exited = new Promise((resolve) => miner.on('exit', (code, signal) => resolve({ code, signal })));
  miner.kill('SIGTERM');
  const exit = await exited;
  assert.equal(exit.code, 0, `miner join did not exit cleanly: ${JSON.stringify(exit)}\n${minerOutput}`);
  const status = await eventually(() => {
    const shown = cli('miner', 'status', '--config', m1.file);
    assert.match(shown.stdout, /worker\s+offline/);
    return shown.stdout;
  });
  assert.match(status, /staked 100/);
});

test('miner leave unbonds the stake, status shows it unbonding, and --withdraw frees it once matured', async () => {
  const leave = cli('miner', 'leave', '--config', m1.file);
  assert.equal(leave.status, 0, leave.stdout + leave.stderr);
  console.log(leave.stdout);
  assert.match(leave.stdout, /unbond\s+100\.0+ unbonding \(ledger entry \d+/);
  const matures = leave.stdout.match(/matures\s+withdrawable from epoch (\d+)(?: or (\d+))? \(epoch (\d+) is open; the ledger locks unbonding stake for (\d+) epochs/);
  assert.ok(matures, leave.stdout);
  assert.equal(Number(matures[2] ?? matures[1]), Number(matures[3]) + Number(matures[4]));
  assert.match(leave.stdout, /after \d+ more epoch closes?, about \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(epochs close every 1 s\)/);
  const status = cli('miner', 'status', '--config', m1.file);
  assert.equal(status.status, 0, status.stderr);
  assert.match(status.stdout, /ledger\s+balance 15\d\.\d+ · staked 0(\.0+)? · unbonding 100(\.0+)? · NOT schedulable/);
  const again = cli('miner', 'leave', '--config', m1.file);
  assert.equal(again.status, 1, 'nothing left to unbond');
  assert.match(again.stderr, /nothing staked to unbond \(100\.0+ unbonding: --withdraw frees it once matured\)/);

  // The ledger locks it for unbonding_epochs closes (a second each here): refused until then, then freed.
  const withdrawn = await eventually(() => {
    const withdraw = cli('miner', 'leave', '--config', m1.file, '--withdraw');
    assert.equal(withdraw.status, 0, withdraw.stdout + withdraw.stderr);
    return withdraw.stdout;
  }, 30000);
  assert.match(withdrawn, /withdraw\s+100\.0+ freed into the balance \(ledger entry \d+\)/);
  const after = cli('miner', 'status', '--config', m1.file);
  assert.match(after.stdout, /ledger\s+balance 25\d\.\d+ · staked 0(\.0+)? · unbonding 0(\.0+)? · NOT schedulable/);
  const nothing = cli('miner', 'leave', '--config', m1.file, '--withdraw');
  assert.equal(nothing.status, 1);
  assert.match(nothing.stderr, /nothing to withdraw yet: .*no unbonded stake past its unbonding period/);
});
