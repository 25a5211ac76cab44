// The dashboard page: polls the bridge's /dashboard/api/* JSON every two seconds and renders it.
// Account data (miners, ledger, a job's ledger entries) needs an operator key, kept in this
// browser's localStorage and sent as a Bearer token. Everything is built with textContent.
'use strict';
const pollMs = 2000;
const keyName = 'infergrid.operator_key';
const priceHistory = [];  // [unix_s, lowest completion price] sampled at each poll
let openJob = null;

const $ = (id) => document.getElementById(id);
const short = (id) => (id && id.length > 16 ? `${id.slice(0, 12)}…` : id ?? '');
const tokens = (micro) => (micro / 1e6).toLocaleString(undefined, { maximumFractionDigits: 6 });
const ms = (v) => `${Math.round(v)} ms`;
const duration = (msValue) => (msValue >= 3600000 ? `${(msValue / 3600000).toFixed(1)} h` : msValue >= 60000 ? `${(msValue / 60000).toFixed(1)} min` : `${(msValue / 1000).toFixed(1)} s`);

function operatorKey() { return localStorage.getItem(keyName) ?? ''; }

async function getJson(path, needsKey) {
  const headers = needsKey && operatorKey() ? { Authorization: `Bearer ${operatorKey()}` } : {};
  const res = await fetch(path, { headers, cache: 'no-store' });
  const body = await res.json();
  if (!res.ok) throw new Error(body.error?.message ?? `HTTP ${res.status}`);
  return body;
}

function cell(text, className) {
  const td = document.createElement('td');
  if (text instanceof Node) td.append(text); else td.textContent = text;
  if (className) td.className = className;
  return td;
}

function fillTable(id, rows) {
  const body = $(id).tBodies[0];
  body.replaceChildren(...rows.map((cells) => {
    const tr = document.createElement('tr');
    if (cells.dataset) Object.assign(tr.dataset, cells.dataset);
    tr.append(...cells.map((c) => (c instanceof HTMLTableCellElement ? c : cell(c))));
    return tr;
  }));
}

function renderNetwork(net) {
  const t = net.totals;
  const set = (id, v) => { $(id).textContent = v ?? '–'; };
  set('total-workers', t.workers); set('total-slots', t.slots); set('total-free-slots', t.free_slots);
  set('total-running', t.running); set('total-queued', t.queued); set('total-completed', t.completed);
  set('total-failovers', t.failovers); set('total-audit-verdicts', t.audit_verdicts); set('total-convictions', t.convictions);
  set('total-tokens-per-second', t.tokens_per_second.toFixed(1));
  fillTable('models-table', net.models.map((m) => [m.model, m.workers, `${m.free_slots} / ${m.slots}`, m.running, m.queued,
    `${(m.utilisation_permille / 10).toFixed(1)} %`, m.completed, m.min_price_completion_micro]));
  fillTable('nodes-table', net.nodes.map((n) => [cell(short(n.worker_id), 'mono'), n.node, n.models.join(', '),
    `${n.free_slots} / ${n.slots}`, n.running, n.queued, n.tokens_generated, n.measured_tokens_per_second.toFixed(1),
    ms(n.first_token_ms), `${duration(n.last_seen_ms_ago)} ago`]));
  const prices = net.models.map((m) => m.min_price_completion_micro).filter((p) => p > 0);
  if (prices.length) priceHistory.push([Date.now() / 1000, Math.min(...prices)]);
  while (priceHistory.length > 300) priceHistory.shift();
  const reached = net.matchmaker.reached && !net.matchmaker.error;
  $('status').textContent = reached ? `live · matchmaker answered ${net.matchmaker.age_ms} ms ago` : `matchmaker not reached: ${net.matchmaker.error}`;
  $('status').className = reached ? 'status' : 'status bad';
}

function renderSeries(series) {
  const s = series.seconds;
  plotLines($('plot-throughput'), [s.map((p) => [p.unix_s, p.completion_tokens])]);
  const busy = s.filter((p) => p.requests > 0);
  plotLines($('plot-latency'), [busy.map((p) => [p.unix_s, p.latency_p50_ms]), busy.map((p) => [p.unix_s, p.latency_p99_ms])]);
  const firsts = s.filter((p) => p.first_token_p50_ms > 0);
  plotLines($('plot-ttft'), [firsts.map((p) => [p.unix_s, p.first_token_p50_ms]), firsts.map((p) => [p.unix_s, p.first_token_p99_ms])]);
  plotLines($('plot-price'), [priceHistory.slice()]);
}

// Why the ledger figures shown are not current (the newest ask of the settlement actor failed), or
// null when they are: "settlement not reached: <error> (last view N s old)".
function ledgerDown(feed) {
  if (feed.reached) return null;
  const age = feed.age_ms === undefined ? 'no view yet' : `last view ${Math.round(feed.age_ms / 1000)} s old`;
  return `settlement not reached: ${feed.error || 'no answer yet'} (${age})`;
}

function showNote(id, text, bad) {
  $(id).textContent = text;
  $(id).className = bad ? 'note bad' : 'note';
}

function renderMiners(m) {
  const down = ledgerDown(m.ledger);
  showNote('miners-note', down ?? `Epoch ${m.epoch ?? '–'} · score weights ${m.weights ? Object.entries(m.weights).map(([k, v]) => `${k} ${v}`).join(', ') : '–'}`, down);
  fillTable('miners-table', m.miners.map((x) => {
    const a = x.account;
    const row = [cell(short(x.miner), 'mono'), x.online ? 'yes' : 'no', a ? tokens(a.staked_micro) : (x.stated_stake_micro !== undefined ? `${tokens(x.stated_stake_micro)} (stated)` : '–'),
      x.reputation_permille !== undefined ? `${x.reputation_permille} ‰` : '–', a ? a.epoch_tokens : '–',
      x.score ? ms(x.score.latency_first_token_ms) : '–', x.score ? duration(x.score.uptime_ms) : '–',
      a ? tokens(a.earnings_balance_micro) : '–', a ? `${a.score_multiplier_percent} %` : '–'];
    row.dataset = { miner: x.miner };
    return row;
  }));
  renderEarnings(m.earnings_per_epoch ?? [], down);
}

// One row per miner paid in each of the newest closed epochs (newest first), from the last view.
function renderEarnings(epochs, down) {
  showNote('earnings-note', down ?? (epochs.length
    ? `The newest ${epochs.length} closed epochs: receipts settled to each miner plus the epoch close's reward.`
    : 'No epoch has closed yet.'), down);
  fillTable('earnings-table', epochs.flatMap((e) => e.miners.map((x) => {
    const row = [e.complete ? e.epoch : `${e.epoch} (summing…)`, `${e.first_seq}–${e.last_seq}`, cell(short(x.miner), 'mono'),
      x.paid_receipts, tokens(x.receipts_micro), tokens(x.rewards_micro), tokens(x.earned_micro)];
    row.dataset = { epoch: e.epoch, miner: x.miner, earnedMicro: x.earned_micro };
    return row;
  })));
}

function renderJobs(j) {
  fillTable('jobs-table', j.jobs.map((job) => {
    const link = document.createElement('a');
    link.className = 'job-link';
    link.href = `#job/${encodeURIComponent(job.request_id)}`;
    link.textContent = job.request_id;
    const row = [cell(link, 'mono'), job.model, cell(short(job.miner), 'mono'), `${job.prompt_tokens} + ${job.completion_tokens}`,
      job.receipt ? 'signed' : 'none', cell(job.audit + (job.escalated ? ' (escalated)' : ''), job.audit === 'guilty' ? 'guilty' : job.audit === 'innocent' ? 'innocent' : ''),
      new Date(job.finished_unix_ms).toLocaleTimeString()];
    row.dataset = { requestId: job.request_id };
    return row;
  }));
}

// Settlement down: the last view's figures stay (the note says how old), its chain check is not
// shown as current; never reached: dashes.
function renderLedger(l) {
  const down = ledgerDown(l.ledger);
  showNote('ledger-note', down ?? `Signer ${short(l.signer)} · last hash ${short(l.last_hash)}`, down);
  $('ledger-epoch').textContent = l.epoch ?? '–';
  $('ledger-last-seq').textContent = l.last_seq ?? '–';
  $('ledger-open-escrows').textContent = l.open_escrows ?? '–';
  const v = l.verification;
  $('ledger-verification').textContent = down ?? (v.ok ? `ok (${v.entries_checked} checked)` : `FAILED: ${v.error}`);
  $('ledger-verification').className = `value ${!down && v.ok ? 'good' : 'bad'}`;
  fillTable('epochs-table', (l.epochs ?? []).map((e) => [e.epoch, e.last_seq, cell(e.root_hash, 'mono')]));
  fillTable('entries-table', (l.entries ?? []).map(entryRow));
}

function entryRow(e) {
  const postings = e.postings.map((p) => `${short(p.account)} ${p.bucket} ${p.delta_micro > 0 ? '+' : ''}${p.delta_micro}`).join('; ');
  const row = [e.seq, e.operation + (e.convicted ? ' (convicted)' : ''), cell(e.op_id, 'mono'), postings, cell(short(e.entry_hash), 'mono')];
  row.dataset = { opId: e.op_id };
  return row;
}

async function showJob(requestId) {
  const box = $('job-detail');
  box.hidden = false;
  box.replaceChildren(Object.assign(document.createElement('p'), { textContent: `Loading ${requestId}…` }));
  try {
    const d = await getJson(`/dashboard/api/jobs/${encodeURIComponent(requestId)}`, true);
    const lines = [
      `Request ${d.request_id}: model ${d.request.model}, max_tokens ${d.request.max_tokens}, ${d.request.stream ? 'streamed' : 'whole answer'}`,
      `Miner: ${d.miners.join(', ')}`,
      ...d.receipts.map((r) => `Receipt from ${short(r.miner)}: ${r.prompt_tokens} prompt + ${r.completion_tokens} completion tokens, finish ${r.finish_reason}, ${r.fingerprint_bytes} fingerprint bytes`),
      ...(d.receipts.length ? [] : ['Receipt: none arrived']),
      ...d.verdicts.map((v) => `Verdict by ${short(v.validator)}: ${v.guilty ? `GUILTY of ${v.reason}` : 'innocent'}, ${v.tokens_checked} tokens checked in ${v.replay_ms} ms${v.canary ? ' (canary)' : ''}`),
      ...(d.verdicts.length ? [] : ['Audits: none (not drawn, or not yet)']),
    ];
    const title = Object.assign(document.createElement('h3'), { textContent: `Job ${d.request_id}` });
    const list = document.createElement('ul');
    list.append(...lines.map((text) => Object.assign(document.createElement('li'), { textContent: text })));
    const table = document.createElement('table');
    table.id = 'job-entries-table';
    table.innerHTML = '<thead><tr><th>Seq</th><th>Operation</th><th>Op id</th><th>Postings</th><th>Hash</th></tr></thead><tbody></tbody>';
    box.replaceChildren(title, list, Object.assign(document.createElement('h3'), { textContent: 'Ledger entries' }), table);
    if (d.ledger_error) box.append(Object.assign(document.createElement('p'), { className: 'note', textContent: d.ledger_error }));
    fillTable('job-entries-table', (d.ledger_entries ?? []).map((e) => {
      const row = entryRow(e);
      row.dataset = { opId: e.op_id };
      return row;
    }));
    for (const tr of table.tBodies[0].rows) tr.classList.add('ledger-entry');
  } catch (failure) {
    box.replaceChildren(Object.assign(document.createElement('p'), { className: 'bad', textContent: `${requestId}: ${failure.message}` }));
  }
}

async function poll() {
  const tasks = [
    getJson('/dashboard/api/network').then(renderNetwork),
    getJson('/dashboard/api/series?seconds=300').then(renderSeries),
    getJson('/dashboard/api/jobs').then(renderJobs),
  ];
  if (operatorKey()) {
    tasks.push(getJson('/dashboard/api/miners', true).then(renderMiners).catch((e) => { $('miners-note').textContent = e.message; }));
    tasks.push(getJson('/dashboard/api/ledger', true).then(renderLedger).catch((e) => { $('ledger-note').textContent = e.message; }));
  } else {
    $('miners-note').textContent = $('ledger-note').textContent = 'Enter an operator key above to see accounts.';
  }
  try {
    await Promise.all(tasks);
    document.body.dataset.polls = String(Number(document.body.dataset.polls ?? 0) + 1);
  } catch (failure) {
    $('status').textContent = `not reached: ${failure.message}`;
    $('status').className = 'status bad';
  }
}

function route() {
  const match = location.hash.match(/^#job\/(.+)$/);
  const id = match ? decodeURIComponent(match[1]) : null;
  if (id && id !== openJob) showJob(id);
  openJob = id;
}

$('operator-key').value = operatorKey();
$('key-form').addEventListener('submit', (event) => {
  event.preventDefault();
  localStorage.setItem(keyName, $('operator-key').value.trim());
  poll();
});
window.addEventListener('hashchange', route);
route();
poll();
setInterval(poll, pollMs);
