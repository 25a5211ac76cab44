// Every key a node config accepts is documented: the node's own sections (node, limits, security,
// peers[]) and each actor kind's `settings`. The accepted keys are read from the real binary — a
// misspelled key is refused with "unknown key '…' (expected one of: …)" — so a key added to a parser
// without a word in README.md or deploy/readme/*.md fails here, and so does a kind that stops
// refusing unknown keys.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';

import { binary, everyDocument } from './docs_support.mjs';

const run = promisify(execFile);
const misspelled = 'zz_not_a_key';
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'infergrid-config-keys-'));

// `infergrid node` on this config must fail; its error line.
async function refusal(yaml) {
  const file = path.join(workDir, 'node.yaml');
  fs.writeFileSync(file, yaml);
  try {
    await run(binary, ['node', '--config', file], { cwd: workDir, timeout: 60000 });
  } catch (failed) {
    return failed.stderr;
  }
  assert.fail(`infergrid node accepted:\n${yaml}`);
}

async function acceptedKeys(yaml) {
  const error = await refusal(yaml);
  if (error.includes(`unknown key '${misspelled}' (this mapping takes no keys)`)) return [];
  const listed = new RegExp(`unknown key '${misspelled}' \\(expected one of: ([^)]*)\\)`).exec(error);
  assert.ok(listed, `no "unknown key '${misspelled}'" refusal for:\n${yaml}\nstderr:\n${error}`);
  return listed[1].split(',').map((key) => key.trim());
}

// A key is documented where a doc names it in code (`key`, `limits.key`, `{key: …}`) or writes it
// as a YAML key in a code block (`  key: value`, `# key: value`).
function documentedWords() {
  const words = new Set();
  for (const [, text] of everyDocument()) {
    for (const [, code] of text.matchAll(/`([^`\n]+)`/g)) {
      for (const word of code.match(/[A-Za-z_][\w.]*/g) ?? []) {
        words.add(word);
        for (const part of word.split('.')) words.add(part);
      }
    }
    for (const [, block] of text.matchAll(/```[a-z]*\n([\s\S]*?)```/g)) {
      for (const [, key] of block.matchAll(/^[\s#-]*([a-z_][a-z0-9_]*):/gm)) words.add(key);
    }
  }
  return words;
}

test('every key a node config accepts is documented', async () => {
  const unknownKind = await refusal(`node: {name: n}\nactors: [{kind: zz_no_such_kind}]\n`);
  const kinds = /\(known: ([^)]*)\)/.exec(unknownKind)?.[1].split(',').map((kind) => kind.trim());
  assert.ok(kinds?.includes('gpu_worker'), `no list of actor kinds in: ${unknownKind}`);
  const sections = {
    '': `node: {name: n}\n${misspelled}: 1\nactors: []\n`,
    node: `node: {name: n, ${misspelled}: 1}\nactors: []\n`,
    limits: `node: {name: n}\nlimits: {${misspelled}: 1}\nactors: []\n`,
    security: `node: {name: n}\nsecurity: {${misspelled}: 1}\nactors: []\n`,
    'peers[]': `node: {name: n}\npeers: [{name: p, endpoint: "tcp://127.0.0.1:1", ${misspelled}: 1}]\nactors: []\n`,
  };
  for (const kind of kinds) {
    sections[`actors[kind: ${kind}].settings`] = `node: {name: n}\nactors: [{kind: ${kind}, settings: {${misspelled}: 1}}]\n`;
  }
  const words = documentedWords();
  const missing = [];
  for (const [section, yaml] of Object.entries(sections)) {
    for (const key of await acceptedKeys(yaml)) {
      if (!words.has(key)) missing.push(`${section}${section ? '.' : ''}${key}`);
    }
  }
  fs.rmSync(workDir, { recursive: true, force: true });
  assert.deepEqual(missing, [], `accepted but named nowhere in README.md or deploy/readme/*.md:\n  ${missing.join('\n  ')}`);
});
