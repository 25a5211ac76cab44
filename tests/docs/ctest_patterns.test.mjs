// Every `ctest -R PATTERN` the documents tell a reader to run selects tests: each alternative of the
// pattern (split at its top-level `|`) matches at least one test this build registers. A pattern
// naming a test binary (`messages_view`) instead of its gtest suite (`view_messages`) ran nothing
// and passed; it fails here.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';

import { binaryDir, everyDocument } from './docs_support.mjs';

function registeredTests() {
  const ctest = process.env.INFERGRID_CTEST ?? 'ctest';
  const listing = execFileSync(ctest, ['--test-dir', binaryDir, '-N'], { encoding: 'utf8' });
  return [...listing.matchAll(/^\s*Test\s+#\d+: (\S+)/gm)].map((m) => m[1]);
}

// `a|b(c|d)|e` -> ['a', 'b(c|d)', 'e']
function topLevelAlternatives(pattern) {
  const out = [''];
  let depth = 0;
  for (const c of pattern) {
    if (c === '(') depth += 1;
    if (c === ')') depth -= 1;
    if (c === '|' && depth === 0) out.push('');
    else out[out.length - 1] += c;
  }
  return out;
}

// The -R patterns of ctest commands: in code spans and code-block lines that run ctest, and code
// spans that are a bare `-R "…"` (the README's list of areas).
function documentedPatterns() {
  const found = [];
  for (const [name, text] of everyDocument()) {
    const places = [
      ...[...text.matchAll(/`([^`\n]+)`/g)].map((m) => ({ code: m[1], at: m.index })),
      ...[...text.matchAll(/```[a-z]*\n([\s\S]*?)```/g)].flatMap((m) => {
        let offset = m.index;
        return m[1].split('\n').map((line) => ({ code: line, at: (offset += line.length + 1) }));
      }),
    ];
    for (const { code, at } of places) {
      if (!/\bctest\b/.test(code) && !/^-R\s/.test(code)) continue;
      for (const m of code.matchAll(/(?:^|\s)-R\s+(['"]?)([^'"\s]+)\1/g)) {
        found.push({ where: `${name}:${text.slice(0, at).split('\n').length}`, pattern: m[2] });
      }
    }
  }
  return found;
}

test('every documented ctest -R pattern selects tests', () => {
  const names = registeredTests();
  assert.ok(names.length > 100, `ctest -N in ${binaryDir} listed ${names.length} tests`);
  const patterns = documentedPatterns();
  assert.ok(patterns.length > 10, `found only ${patterns.length} ctest -R patterns in the documents`);
  const empty = [];
  for (const { where, pattern } of patterns) {
    for (const alternative of topLevelAlternatives(pattern)) {
      const regex = new RegExp(alternative);
      if (!names.some((name) => regex.test(name))) empty.push(`${where}: '${alternative}' (of '${pattern}')`);
    }
  }
  assert.deepEqual(empty, [], `ctest -R alternatives that select no test:\n  ${empty.join('\n  ')}`);
});
