// A live grid serving one of tests/tokenizer.cmake's fixture models (in INFERGRID_TOKENIZER_WORK_DIR)
// for one node:test file: started before its tests and stopped after them. The returned object's
// `grid` and `client` (the real `openai` package, no retries) are set once the grid serves.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before } from 'node:test';

import OpenAI from 'openai';

import { devKey, startGrid } from './grid.mjs';

export function serveFixture(model, { timeoutMs = 120000 } = {}) {
  const live = { grid: null, client: null };
  before(async () => {
    const fixtureDir = process.env.INFERGRID_TOKENIZER_WORK_DIR;
    assert.ok(fixtureDir, 'INFERGRID_TOKENIZER_WORK_DIR is not set (tests/tokenizer.cmake sets it)');
    live.grid = await startGrid({ model: { path: path.join(fixtureDir, `${model}.gguf`), name: model } });
    live.client = new OpenAI({ apiKey: devKey, baseURL: live.grid.baseURL, maxRetries: 0, timeout: timeoutMs });
  });
  after(async () => {
    if (live.grid) await live.grid.stop();
  });
  return live;
}
