// Runs every ```sh block that calls curl in README.md and deploy/readme/http.md against a live
// `infergrid up` (deploy/all-in-one.yaml with free ports, its own keys file), so the documented
// examples stay true. A block may say what it expects with a comment line `# expect: <status>`
// (default 200). Every answer must be empty for a 204, else JSON (or an SSE stream ending in
// `data: [DONE]`) of the right shape: an `error` object for 4xx/5xx, none for 2xx.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';

import { devKey, sourceDir, startGrid } from './grid.mjs';

const run = promisify(execFile);
const documentedOrigin = 'http://127.0.0.1:8080';
const documents = ['README.md', 'deploy/readme/http.md'];

function curlBlocks() {
  const blocks = [];
  for (const document of documents) {
    const file = path.join(sourceDir, document);
    if (!fs.existsSync(file)) continue;
    const text = fs.readFileSync(file, 'utf8');
    for (const match of text.matchAll(/```sh\n([\s\S]*?)```/g)) {
      if (!/\bcurl\b/.test(match[1]) || !match[1].includes(documentedOrigin)) continue;
      const line = text.slice(0, match.index).split('\n').length;
      const expected = Number(/#\s*expect:\s*(\d{3})/.exec(match[1])?.[1] ?? 200);
      blocks.push({ where: `${document}:${line}`, script: match[1], expected });
    }
  }
  return blocks;
}

function checkBody(body, status, where) {
  const trimmed = body.trim();
  if (status === 204) {  // no content: a CORS preflight's answer
    assert.equal(trimmed, '', `${where}: a 204 with a body`);
    return;
  }
  if (trimmed.startsWith('data: ')) {
    const events = trimmed.split('\n\n').map((e) => e.trim());
    assert.equal(events.at(-1), 'data: [DONE]', `${where}: stream does not end with [DONE]`);
    for (const event of events.slice(0, -1)) {
      const payload = JSON.parse(event.replace(/^data: /, ''));
      assert.ok(!payload.error, `${where}: error event ${event}`);
      assert.ok(payload.choices, `${where}: chunk without choices`);
    }
    return;
  }
  if (trimmed.startsWith('#') || /^infergrid_/m.test(trimmed)) {
    assert.match(trimmed, /^# TYPE /m, `${where}: not Prometheus text`);
    return;
  }
  const payload = JSON.parse(trimmed);
  if (status >= 400) {
    assert.equal(typeof payload.error?.message, 'string', `${where}: no error.message`);
    assert.equal(typeof payload.error?.type, 'string', `${where}: no error.type`);
  } else {
    assert.ok(!payload.error, `${where}: unexpected error ${trimmed}`);
    assert.ok(payload.object || payload.status, `${where}: no object/status field`);
  }
}

let grid;
const blocks = curlBlocks();

before(async () => {
  grid = await startGrid();
});

after(async () => {
  if (grid) await grid.stop();
});

test('the documents hold curl examples', () => {
  assert.ok(blocks.length >= 5, `only ${blocks.length} curl blocks found in ${documents.join(', ')}`);
});

for (const block of blocks) {
  test(`curl example at ${block.where}`, async () => {
    const script = block.script.replaceAll(documentedOrigin, grid.origin);
    // Each curl also prints its status on a last line of its own.
    const wrapped = `curl() { command curl -sS -w '\\nHTTP_STATUS:%{http_code}\\n' "$@"; }\n${script}`;
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', wrapped], {
      env: { ...process.env, INFERGRID_API_KEY: devKey },
      maxBuffer: 16 << 20,
    });
    const answers = stdout.split(/\nHTTP_STATUS:(\d{3})\n/);
    assert.ok(answers.length >= 3, `${block.where}: no curl answer in ${stdout}`);
    for (let i = 0; i + 1 < answers.length; i += 2) {
      const status = Number(answers[i + 1]);
      assert.equal(status, block.expected, `${block.where}: HTTP ${status}, expected ${block.expected}\n${answers[i]}`);
      checkBody(answers[i], status, block.where);
    }
  });
}
