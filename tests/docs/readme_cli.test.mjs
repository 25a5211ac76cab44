// The README's "CLI reference" against the real binary's --help: every subcommand (nested ones too)
// and every flag `--help` shows is in the reference, and every flag the reference's command column
// names exists. A new flag or subcommand without its line in the README fails here, and so does a
// README line naming a flag that is gone.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';

import { binary, readDocument } from './docs_support.mjs';

function help(path) {
  return execFileSync(binary, [...path, '--help'], { encoding: 'utf8' });
}

// CLI11's help: "Options:" lines start with exactly two spaces and a dash; "Subcommands:" lines
// with two spaces and the name. Descriptions (indented further) may name flags too: not counted.
function parseHelp(text) {
  const flags = new Set();
  const subcommands = [];
  let section = '';
  for (const line of text.split('\n')) {
    const header = /^(\w[\w ]*):$/.exec(line);
    if (header) {
      section = header[1];
      continue;
    }
    if (section === 'Options' && /^ {2}-/.test(line)) {
      for (const name of line.trim().split(/\s/)[0].split(',')) {
        if (name.startsWith('--') && name !== '--help') flags.add(name.replace(/[=:].*$/, ''));
      }
    } else if (section === 'Subcommands' && /^ {2}\S/.test(line)) {
      subcommands.push(line.trim().split(/\s/)[0]);
    }
  }
  return { flags, subcommands };
}

// Every command path the binary has, each with its flags: [['ask'], …, ['ledger', 'verify'], …].
function commandTree() {
  const commands = [];
  const walk = (path) => {
    const parsed = parseHelp(help(path));
    if (path.length > 0) commands.push({ path, flags: parsed.flags });
    for (const sub of parsed.subcommands) walk([...path, sub]);
  };
  walk([]);
  return commands;
}

// The reference's rows by top-level subcommand: the command column and the whole row.
function referenceRows() {
  const readme = readDocument('README.md');
  const section = readme.slice(readme.indexOf('## CLI reference'), readme.indexOf('## Configuration reference'));
  assert.ok(section.length > 0, 'README.md has no "CLI reference" section before "Configuration reference"');
  const rows = new Map();
  for (const line of section.split('\n')) {
    const command = /^\| `infergrid ([^`]*)`/.exec(line)?.[1];
    if (!command) continue;
    const top = command.split(/\s/)[0];
    const entry = rows.get(top) ?? { commands: [], text: '' };
    entry.commands.push(command.replaceAll('\\|', '|'));
    entry.text += line.replaceAll('\\|', '|') + '\n';
    rows.set(top, entry);
  }
  // The paragraphs around the table (flags shared by several commands are named there once).
  const prose = section.split('\n').filter((line) => !line.startsWith('|')).join('\n');
  return { rows, prose };
}

// A word not part of a longer name: "withdraw" is not found in "withdraw-unbonded".
function mentions(text, word) {
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\w-])${escaped}($|[^\\w-])`).test(text);
}

const tree = commandTree();
const { rows, prose } = referenceRows();

test('the binary has the subcommands this test expects to read', () => {
  for (const top of ['up', 'node', 'ping', 'ask', 'ledger', 'chain', 'miner']) {
    assert.ok(tree.some((c) => c.path[0] === top), `infergrid --help lists no ${top}`);
  }
});

test('every subcommand --help lists has a row in the README CLI reference', () => {
  const missing = [];
  for (const { path } of tree) {
    const entry = rows.get(path[0]);
    if (!entry) missing.push(`infergrid ${path[0]}: no row starting with it`);
    else if (path.length > 1 && !mentions(entry.text, path.at(-1))) missing.push(`infergrid ${path.join(' ')}`);
  }
  assert.deepEqual(missing, [], `README.md "CLI reference" lacks:\n  ${missing.join('\n  ')}`);
});

test('every flag --help shows is in its command\'s rows of the README CLI reference', () => {
  const missing = [];
  for (const { path, flags } of tree) {
    const text = (rows.get(path[0])?.text ?? '') + prose;
    for (const flag of flags) {
      if (!mentions(text, flag)) missing.push(`infergrid ${path.join(' ')} ${flag}`);
    }
  }
  assert.deepEqual(missing, [], `README.md "CLI reference" lacks these flags:\n  ${missing.join('\n  ')}`);
});

test('every flag the README CLI reference names in its command column exists', () => {
  const stale = [];
  for (const [top, entry] of rows) {
    const known = new Set(['--help', '--version']);
    for (const c of tree) if (c.path[0] === top) for (const flag of c.flags) known.add(flag);
    if (!tree.some((c) => c.path[0] === top)) stale.push(`infergrid ${top}: no such subcommand`);
    for (const command of entry.commands) {
      for (const flag of command.match(/--[a-z0-9][a-z0-9-]*/g) ?? []) {
        if (!known.has(flag)) stale.push(`infergrid ${top} … ${flag}`);
      }
    }
  }
  assert.deepEqual(stale, [], `README.md "CLI reference" names what --help does not have:\n  ${stale.join('\n  ')}`);
});
