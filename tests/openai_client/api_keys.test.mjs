// `infergrid keys create|list|revoke` against a live `infergrid up`, as a developer and an operator
// would use them (tests/http.cmake runs it): a key made by the CLI works with the `openai` client
// without a restart, its usage (as `keys list` and /dashboard/api/keys show it) equals the `usage`
// the grid served and the ledger's price rule, and once revoked it is refused (401) while other keys
// keep working. The keys file keeps only hashes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import OpenAI from 'openai';

import { devKey, eventually, sourceDir, startGrid } from './grid.mjs';

const binary = process.env.INFERGRID_BIN ?? path.join(process.env.INFERGRID_BINARY_DIR ?? 'build', 'actors/cli/infergrid');
const operatorKey = 'sk-infergrid-operator-dev';
// The workers' asks (fixed here: the default utilisation asks follow load) and the ledger's rule,
// rounded down: a request is charged the serving worker's ask, under the bridge's default caps.
const ledgerCost = (usage) => Math.floor((usage.prompt_tokens * 100 + usage.completion_tokens * 200) / 1000);
const fixedAsks = (text) => text.replace(/(name: worker-\d\n\s+kind: gpu_worker\n\s+settings: \{)/g,
  '$1price_prompt_micro: 100, price_completion_micro: 200, ');
let grid;
let keysFile;

function keys(...args) {
  return spawnSync(binary, ['keys', ...args, '--config', grid.configPath], { cwd: sourceDir, encoding: 'utf8' });
}

function clientWith(apiKey) {
  return new OpenAI({ apiKey, baseURL: grid.baseURL, maxRetries: 0, timeout: 60000 });
}

before(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'infergrid-keys-'));
  keysFile = path.join(dir, 'api-keys.yaml');
  fs.copyFileSync(path.join(sourceDir, 'deploy/api-keys.yaml'), keysFile);
  grid = await startGrid({ keysFile, edit: fixedAsks });
});

after(async () => {
  if (!grid) return;
  const exit = await grid.stop();
  fs.rmSync(path.dirname(keysFile), { recursive: true, force: true });
  assert.equal(exit.code, 0, `infergrid up did not exit cleanly: ${JSON.stringify(exit)}\n${grid.output()}`);
});

test('a created key serves, counts its usage, and is refused once revoked', async () => {
  const made = keys('create', '--account', 'dev');
  assert.equal(made.status, 0, made.stderr);
  const id = made.stdout.match(/^id\s+([0-9a-f]{8})$/m)[1];
  const key = made.stdout.match(/^key\s+(sk-ig-\S+)$/m)[1];
  const file = fs.readFileSync(keysFile, 'utf8');
  assert.ok(!file.includes(key) && !file.includes(key.slice(15)), 'the keys file keeps no secret');
  assert.match(file, /# A development key/, 'the file\'s own lines and comments stay');

  const client = clientWith(key);
  const served = [];
  // The running bridge takes the new key when it next checks the file (keys_reload_ms).
  served.push((await eventually(() => client.chat.completions.create({ model: 'stories260k', max_tokens: 12,
    temperature: 0, messages: [{ role: 'user', content: 'Once upon a time' }] }))).usage);
  served.push((await client.completions.create({ model: 'stories260k', prompt: 'The cat', max_tokens: 9 })).usage);
  const stream = await client.chat.completions.create({ model: 'stories260k', max_tokens: 7, stream: true,
    stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'A dog' }] });
  for await (const chunk of stream) if (chunk.usage) served.push(chunk.usage);
  assert.equal(served.length, 3);
  const usageOf = (list) => ({
    requests: list.length,
    prompt_tokens: list.reduce((sum, u) => sum + u.prompt_tokens, 0),
    completion_tokens: list.reduce((sum, u) => sum + u.completion_tokens, 0),
    spent_micro: list.reduce((sum, u) => sum + ledgerCost(u), 0),
  });
  const want = usageOf(served);

  const res = await fetch(`${grid.origin}/dashboard/api/keys`, { headers: { Authorization: `Bearer ${operatorKey}` } });
  assert.equal(res.status, 200);
  const row = (await res.json()).keys.find((k) => k.id === id);
  assert.deepEqual(row.usage, want);
  assert.equal(row.account, 'dev');
  assert.equal(row.revoked, '');
  assert.equal((await fetch(`${grid.origin}/dashboard/api/keys`, { headers: { Authorization: `Bearer ${devKey}` } })).status, 401);

  const listed = keys('list');
  assert.equal(listed.status, 0, listed.stderr);
  assert.ok(!listed.stdout.includes(key.slice(15)), 'list shows no secret');
  const line = listed.stdout.split('\n').find((l) => l.startsWith(id)).trim().split(/\s+/);
  assert.deepEqual(line.slice(-4).map(Number), [want.requests, want.prompt_tokens, want.completion_tokens, want.spent_micro]);
  assert.ok(listed.stdout.split('\n').some((l) => l.startsWith('dev/1 ')), 'the file\'s plain key is listed by id');

  const revoked = keys('revoke', id);
  assert.equal(revoked.status, 0, revoked.stderr);
  // Served until the bridge's next look at the file (keys_reload_ms): those calls count too.
  const refused = await eventually(async () => {
    try {
      served.push((await client.chat.completions.create({ model: 'stories260k', max_tokens: 4,
        messages: [{ role: 'user', content: 'Hi' }] })).usage);
    } catch (error) {
      return error;
    }
    throw new Error('the revoked key was still served');
  });
  assert.ok(refused instanceof OpenAI.AuthenticationError, String(refused));
  assert.equal(refused.status, 401);
  const again = await client.completions.create({ model: 'stories260k', prompt: 'x', max_tokens: 2 }).catch((e) => e);
  assert.equal(again.status, 401, 'and stays refused');
  const other = await clientWith(devKey).completions.create({ model: 'stories260k', prompt: 'x', max_tokens: 2 });
  assert.ok(other.usage.completion_tokens > 0, 'other keys keep working');

  const after = keys('list').stdout.split('\n').find((l) => l.startsWith(id));
  assert.match(after, /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/, 'created and revoked times');
  assert.ok(served.length <= 3 + 15, 'revoked within about a second');
  assert.deepEqual(after.trim().split(/\s+/).slice(-4).map(Number), Object.values(usageOf(served)),
    'what was served before the revocation took effect counts; refused calls cost nothing');
});

test('bad input is refused with a clear message and changes nothing', () => {
  const before = fs.readFileSync(keysFile, 'utf8');
  const unknown = keys('revoke', 'deadbeef');
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /no key 'deadbeef'/);
  const bad = keys('create', '--account', 'a"b');
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /account 'a"b': an account name may not hold any of " \\ \{ \} ,/);
  const spaced = keys('create', '--account', 'a b');
  assert.equal(spaced.status, 1);
  assert.match(spaced.stderr, /account 'a b': an account name may not hold a space/);
  assert.equal(fs.readFileSync(keysFile, 'utf8'), before);
});
