// The dashboard when the settlement actor does not answer (tests/dashboard.cmake): a bridge whose
// `settlement:` names an actor nobody hosts never gets a ledger view. Its feed says so (reached
// false, the error, no view), /metrics says infergrid_ledger_view_reached 0, and the page in headless
// Chromium shows "settlement not reached: …" in the ledger and miners panels without a JS error.
// Then the page is fed a stale view (reached false, age_ms, the last view's green chain check): it
// says how old the view is instead of showing the check as current.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { eventually, startGrid } from './grid.mjs';
import { openDashboard } from './dashboard_page.mjs';

const operatorKey = 'sk-infergrid-operator-dev';
let grid;

before(async () => {
  grid = await startGrid({
    edit: (text) => {
      const edited = text.replace(/(keys_file: \S+, )settlement: settlement,/, '$1settlement: absent-settlement,');
      assert.ok(edited.includes('settlement: absent-settlement'), 'the http_bridge settlement setting was not found');
      return edited;
    },
  });
});

after(async () => { if (grid) await grid.stop(); });

test('the ledger feed and /metrics say the settlement actor was not reached', async () => {
  const feed = await eventually(async () => {
    const body = await (await fetch(`${grid.origin}/dashboard/api/ledger`, { headers: { Authorization: `Bearer ${operatorKey}` } })).json();
    return body.ledger.error ? body : null;
  });
  assert.equal(feed.ledger.reached, false);
  assert.equal(feed.ledger.age_ms, undefined, 'no view ever arrived');
  assert.equal(feed.verification, undefined);
  const metrics = await (await fetch(`${grid.origin}/metrics`)).text();
  assert.match(metrics, /^infergrid_ledger_view_reached 0$/m);
  assert.doesNotMatch(metrics, /^infergrid_epoch_open /m);
});

test('the page says settlement not reached, and a stale view is not shown as current', async () => {
  const browser = await openDashboard(grid.origin, operatorKey);
  try {
    const text = (id) => browser.evaluate(`document.getElementById('${id}').textContent`);
    assert.match(await text('ledger-verification'), /^settlement not reached: .+ \(no view yet\)$/);
    assert.match(await text('ledger-note'), /^settlement not reached: /);
    assert.match(await text('earnings-note'), /^settlement not reached: /);
    assert.equal(await browser.evaluate('document.getElementById("ledger-verification").className'), 'value bad');

    // The settlement actor answered once, 35 s ago, and not since: its last view is stale.
    await browser.evaluate(`(() => {
      const real = window.fetch;
      const stale = { ledger: { reached: false, error: 'no reply before the deadline', age_ms: 35000 } };
      const ledger = { ...stale, epoch: 3, last_seq: 9, last_hash: 'ab', signer: 'cd', open_escrows: 0,
        verification: { ok: true, entries_checked: 1, error: '' }, entries: [], epochs: [], accounts: [] };
      const miners = { matchmaker: { reached: true, error: '', age_ms: 5 }, ...stale, miners: [], epoch: 3, earnings_per_epoch: [] };
      const answer = (body) => new Response(JSON.stringify(body), { headers: { 'Content-Type': 'application/json' } });
      window.fetch = (url, options) => (String(url).startsWith('/dashboard/api/ledger') ? Promise.resolve(answer(ledger))
        : String(url).startsWith('/dashboard/api/miners') ? Promise.resolve(answer(miners)) : real(url, options));
      document.body.dataset.polls = '0';
    })()`);
    await browser.waitFor('Number(document.body.dataset.polls) >= 1');
    const shown = 'settlement not reached: no reply before the deadline (last view 35 s old)';
    assert.equal(await text('ledger-verification'), shown);
    assert.equal(await browser.evaluate('document.getElementById("ledger-verification").className'), 'value bad');
    assert.equal(await text('ledger-note'), shown);
    assert.equal(await text('miners-note'), shown);
    assert.equal(await text('ledger-last-seq'), '9', 'the last view\'s figures stay, under the note');
    assert.deepEqual(browser.errors, [], 'no console errors or uncaught exceptions');
  } finally {
    await browser.close();
  }
});
