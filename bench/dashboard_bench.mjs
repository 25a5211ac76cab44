// dashboard_bench: what a crowd of dashboards costs a serving grid (issue 17's benchmark;
// deploy/readme/dashboard.md). A real `infergrid up` (deploy/all-in-one.yaml with free ports, via
// tests/openai_client/grid.mjs: two workers on the bundled stories260k, validators, a durable
// ledger) serves `--completion-clients` loops of completions (a ledger-escrowed key without a rate
// limit) for the whole run. Two phases alternate `--rounds` times:
//   quiet    no dashboard readers
//   readers  `--pollers` clients, each GETting every dashboard JSON endpoint in turn (the operator
//            ones with the operator key; a job's detail for a job served a few seconds before),
//            then waiting `--poll-interval-ms` (0: a tight loop)
// (odd rounds run the readers phase first, so a drift in speed weighs on both alike)
// and prints served tokens/s per phase (completion tokens of the answers that ended in it, after
// `--settle-s`), their ratio (target: readers >= 0.95 x quiet), and p50/p99 latency per endpoint
// (target: p99 <= 50 ms), and how many of those answers the bridge built rather than shared
// (dashboard_cache_ms). Everything runs on this machine: the clients' own CPU is part of the cost,
// so it also prints the CPU per phase of the grid process (/proc/PID/stat) and of this script (the
// completion clients and pollers): what the readers cost the server apart from what they cost
// themselves.
// With --pin 1 (and at least 2 CPUs) the grid process runs on CPU 0 and this script on the others
// (taskset): the server on its core, its users' clients elsewhere, so the pollers' own CPU cannot
// come out of the server's serving.
// Exits 1 only when the grid does not start or no request succeeds; speed is reported, not asserted.
//   node bench/dashboard_bench.mjs [--rounds 3] [--phase-s 20] [--settle-s 2] [--warmup-s 10]
//        [--pollers 32] [--poll-interval-ms 1000] [--completion-clients 16] [--max-tokens 64] [--pin 0]
//        [--like-page 0]
// With --like-page 1 each poller asks what the dashboard page does (app.js): network, series, jobs,
// miners and ledger at once every 2000 ms (--poll-interval-ms), and a job's detail every 5th poll, as
// a click would; without it, every endpoint in turn each second, 2.8x the page's requests.
// The binary: INFERGRID_BIN, else $INFERGRID_BINARY_DIR/actors/cli/infergrid (build/ by default).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

import { devKey, startGrid } from '../tests/openai_client/grid.mjs';

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && at + 1 < process.argv.length ? Number(process.argv[at + 1]) : fallback;
}
if (process.argv.includes('--help') || process.argv.includes('-h')) {
  const text = fs.readFileSync(new URL(import.meta.url), 'utf8').split('\n');
  console.log(text.slice(0, text.findIndex((l) => l.startsWith('import'))).map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
  process.exit(0);
}
const settings = {
  rounds: option('rounds', 3),
  phaseS: option('phase-s', 20),
  settleS: option('settle-s', 2),
  warmupS: option('warmup-s', 10),
  pollers: option('pollers', 32),
  pollIntervalMs: option('poll-interval-ms', 1000),
  completionClients: option('completion-clients', 16),
  maxTokens: option('max-tokens', 64),
  pin: option('pin', 0) === 1 && os.cpus().length >= 2,
  likePage: option('like-page', 0) === 1,
};
if (settings.likePage && !process.argv.includes('--poll-interval-ms')) settings.pollIntervalMs = 2000;
// deploy/api-keys.yaml's development key (the one grid.mjs waits with), here without a rate limit.
const benchKey = devKey;
const operatorKey = 'sk-infergrid-operator-dev';  // deploy/all-in-one.yaml's operator key
// The endpoints of deploy/readme/dashboard.md; {job} is a job served a few seconds before.
// page: what the dashboard page itself asks every poll (app.js; `series` there names ?seconds=300,
// the default, so the same answer).
const endpoints = [
  { route: '/dashboard/api/network', page: true },
  { route: '/dashboard/api/series', page: true },
  { route: '/dashboard/api/jobs', page: true },
  { route: '/dashboard/api/jobs/{job}', operator: true },
  { route: '/dashboard/api/miners', operator: true, page: true },
  { route: '/dashboard/api/ledger', operator: true, page: true },
  { route: '/dashboard/api/keys', operator: true },
];
// --like-page: a job's detail every this many polls (the page asks for one on a click).
const pageClickEvery = 5;

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// One HTTP exchange on a kept-alive connection: { status, body, ms }; status 0 for a transport error.
function request(origin, method, route, { key, body } = {}) {
  const started = performance.now();
  return new Promise((resolve) => {
    const headers = key ? { Authorization: `Bearer ${key}` } : {};
    if (body) headers['Content-Type'] = 'application/json';
    const req = http.request(`${origin}${route}`, { method, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString(), ms: performance.now() - started }));
      res.on('error', (e) => resolve({ status: 0, body: String(e), ms: performance.now() - started }));
    });
    req.on('error', (e) => resolve({ status: 0, body: String(e), ms: performance.now() - started }));
    req.end(body);
  });
}

const served = [];  // { atMs, tokens, id } per answered completion
const completionFailures = new Map();
let running = true;

async function completionLoop(origin, client) {
  for (let n = 0; running; ++n) {
    const body = JSON.stringify({ model: 'stories260k', prompt: `Once upon a time ${client}.${n}`, max_tokens: settings.maxTokens });
    const res = await request(origin, 'POST', '/v1/completions', { key: benchKey, body });
    if (res.status !== 200) {
      const reason = `${res.status} ${res.body.slice(0, 120)}`;
      completionFailures.set(reason, (completionFailures.get(reason) ?? 0) + 1);
      await sleep(100);
      continue;
    }
    const answer = JSON.parse(res.body);
    served.push({ atMs: performance.now(), tokens: answer.usage.completion_tokens, id: answer.id });
  }
}

const latencies = new Map(endpoints.map((e) => [e.route, []]));
const pollFailures = new Map();

// A job the matchmaker has finished with: one answered at least 3 s ago (receipt and settlement in).
function settledJob() {
  const cutoff = performance.now() - 3000;
  for (let i = served.length - 1; i >= 0; --i) if (served[i].atMs < cutoff) return served[i].id;
  return served[0]?.id;
}

async function poll(origin, endpoint) {
  const route = endpoint.route.replace('{job}', settledJob());
  const res = await request(origin, 'GET', route, { key: endpoint.operator ? operatorKey : undefined });
  if (res.status === 200) latencies.get(endpoint.route).push(res.ms);
  else {
    const reason = `${endpoint.route}: ${res.status} ${res.body.slice(0, 120)}`;
    pollFailures.set(reason, (pollFailures.get(reason) ?? 0) + 1);
  }
}

// Starts at a random point of the first interval, as dashboards opened at different times would.
// Each poller: every endpoint in turn, then a wait; --like-page: the page's endpoints at once every
// interval (app.js), and a job's detail every pageClickEvery polls.
async function pollLoop(origin, isOn) {
  await sleep(Math.random() * settings.pollIntervalMs);
  for (let n = 0; isOn(); ++n) {
    const started = performance.now();
    if (settings.likePage) {
      const asked = endpoints.filter((e) => e.page || (e.route.includes('{job}') && n % pageClickEvery === pageClickEvery - 1));
      await Promise.all(asked.map((endpoint) => poll(origin, endpoint)));
      await sleep(Math.max(0, settings.pollIntervalMs - (performance.now() - started)));
      continue;
    }
    for (const endpoint of endpoints) await poll(origin, endpoint);
    if (settings.pollIntervalMs > 0) await sleep(settings.pollIntervalMs);
  }
}

// The bridge's dashboard answers so far (GET /metrics, dashboard_cache.hpp): null when it counts none.
async function answerCounts(origin) {
  const { body } = await request(origin, 'GET', '/metrics');
  const count = (how) => body.match(new RegExp(`^infergrid_dashboard_answers_total\\{how="${how}"\\} (\\d+)$`, 'm'))?.[1];
  const [built, shared] = [count('built'), count('shared')];
  return built === undefined ? null : { built: Number(built), shared: Number(shared) };
}

function tokensPerSecond(fromMs, toMs) {
  let tokens = 0;
  for (const s of served) if (s.atMs > fromMs && s.atMs <= toMs) tokens += s.tokens;
  return tokens / ((toMs - fromMs) / 1000);
}

// A /proc .../stat line's name (between the parentheses, which may hold any character) and its CPU
// seconds so far (utime + stime, clock ticks of 10 ms).
function parseStat(text) {
  const fields = text.slice(text.lastIndexOf(') ') + 2).split(' ');
  return { name: text.slice(text.indexOf('(') + 1, text.lastIndexOf(')')), cpuS: (Number(fields[11]) + Number(fields[12])) / 100 };
}

// CPU seconds used so far by the grid process and by this script.
function cpuNow(pid) {
  const { user, system } = process.cpuUsage();
  return { grid: parseStat(fs.readFileSync(`/proc/${pid}/stat`, 'utf8')).cpuS, bench: (user + system) / 1e6 };
}

// CPU seconds so far of the grid's threads by name, a trailing "-N" dropped (/proc/PID/task/*/stat):
// http (the bridge's HTTP threads), matchmaker, settlement, worker, validator, llvmpipe, ... A thread
// that ended takes its seconds with it (the bridge's HTTP threads live as long as the grid).
function threadCpuNow(pid) {
  const byName = new Map();
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    let stat;
    try {
      stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    } catch {
      continue;  // ended since the listing
    }
    const { name, cpuS } = parseStat(stat);
    const kind = name.replace(/-\d+$/, '');
    byName.set(kind, (byName.get(kind) ?? 0) + cpuS);
  }
  return byName;
}

function percentile(sorted, p) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] : 0;
}

const pad = (v, n) => String(v).padStart(n);

// Mean of per-round values with a 95% t interval (two-sided); null below 2 values.
function meanWithInterval(values) {
  const n = values.length;
  if (n < 2) return null;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
  const t = [12.71, 4.30, 3.18, 2.78, 2.57, 2.45, 2.36, 2.31, 2.26, 2.23, 2.20, 2.18, 2.16, 2.14, 2.13][n - 2] ?? 2.0;
  const half = t * sd / Math.sqrt(n);
  return { mean, low: mean - half, high: mean + half };
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'infergrid-dashboard-bench-'));
  const keysFile = path.join(dir, 'api-keys.yaml');
  fs.writeFileSync(keysFile, `accounts:\n  - {name: bench, keys: [${benchKey}], account: dev, rate_limit_per_minute: 0}\n`);
  const grid = await startGrid({ keysFile });
  try {
    if (settings.pin) {
      const others = `1-${os.cpus().length - 1}`;
      execFileSync('taskset', ['-a', '-p', '-c', '0', String(grid.pid)], { stdio: 'ignore' });
      execFileSync('taskset', ['-a', '-p', '-c', others, String(process.pid)], { stdio: 'ignore' });
      console.log(`dashboard_bench: the grid pinned to CPU 0, this script to CPUs ${others}`);
    }
    console.log(`dashboard_bench: infergrid up (deploy/all-in-one.yaml, stories260k), ${settings.completionClients} completion ` +
      `clients x ${settings.maxTokens} tokens throughout; ${settings.rounds} rounds of quiet ${settings.phaseS} s + ` +
      `${settings.pollers} pollers ${settings.phaseS} s (${settings.likePage
        ? `like the page: its ${endpoints.filter((e) => e.page).length} endpoints at once every ${settings.pollIntervalMs} ms, a job's detail every ${pageClickEvery} polls`
        : `each GETs ${endpoints.length} endpoints, then waits ${settings.pollIntervalMs} ms`}); ${os.cpus().length} CPUs, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    const answersBefore = await answerCounts(grid.origin);
    const loops = [];
    for (let c = 0; c < settings.completionClients; ++c) loops.push(completionLoop(grid.origin, c));
    await sleep(settings.warmupS * 1000);

    // One phase: served tokens/s after the settle time, and the CPU per second of grid and script.
    const phase = async (readers) => {
      const start = performance.now();
      const cpuStart = cpuNow(grid.pid);
      const threadsStart = threadCpuNow(grid.pid);
      let on = true;
      const pollers = [];
      if (readers) for (let p = 0; p < settings.pollers; ++p) pollers.push(pollLoop(grid.origin, () => on));
      await sleep(settings.phaseS * 1000);
      const end = performance.now();
      const cpuEnd = cpuNow(grid.pid);
      const threadsEnd = threadCpuNow(grid.pid);
      on = false;
      await Promise.all(pollers);
      const seconds = (end - start) / 1000;
      const window = [start + settings.settleS * 1000, end];
      const threads = new Map([...threadsEnd].map(([name, used]) => [name, (used - (threadsStart.get(name) ?? 0)) / seconds]));
      return { tokens: tokensPerSecond(...window), window, threads,
               cpu: { grid: (cpuEnd.grid - cpuStart.grid) / seconds, bench: (cpuEnd.bench - cpuStart.bench) / seconds } };
    };
    // Odd rounds run readers first: a drift in the grid's speed (audits, epochs, the machine) then
    // weighs on both phases alike instead of always on the second.
    const rounds = [];
    for (let r = 0; r < settings.rounds; ++r) {
      const first = await phase(r % 2 === 1);
      const second = await phase(r % 2 === 0);
      const [quietPhase, readersPhase] = r % 2 === 1 ? [second, first] : [first, second];
      rounds.push({
        quiet: quietPhase.tokens,
        readers: readersPhase.tokens,
        quietWindow: quietPhase.window,
        readersWindow: readersPhase.window,
        cpu: { quiet: quietPhase.cpu, readers: readersPhase.cpu },
        threads: { quiet: quietPhase.threads, readers: readersPhase.threads },
      });
    }
    running = false;
    await Promise.all(loops);
    const answersAfter = await answerCounts(grid.origin);

    console.log('\nround   quiet tok/s   readers tok/s   readers/quiet');
    rounds.forEach((r, i) => console.log(`${pad(i + 1, 5)}   ${pad(r.quiet.toFixed(1), 11)}   ${pad(r.readers.toFixed(1), 13)}   ${pad((r.readers / r.quiet).toFixed(3), 13)}`));
    const span = (windows) => windows.reduce((sum, [a, b]) => sum + (b - a), 0) / 1000;
    const tokensIn = (windows) => windows.reduce((sum, [a, b]) => sum + tokensPerSecond(a, b) * (b - a) / 1000, 0);
    const quiet = tokensIn(rounds.map((r) => r.quietWindow)) / span(rounds.map((r) => r.quietWindow));
    const readers = tokensIn(rounds.map((r) => r.readersWindow)) / span(rounds.map((r) => r.readersWindow));
    const ratio = readers / quiet;
    console.log(`${pad('all', 5)}   ${pad(quiet.toFixed(1), 11)}   ${pad(readers.toFixed(1), 13)}   ${pad(ratio.toFixed(3), 13)}`);
    const spread = meanWithInterval(rounds.map((r) => r.readers / r.quiet));
    if (spread) console.log(`round ratios: mean ${spread.mean.toFixed(3)}, 95% interval ${spread.low.toFixed(3)} to ${spread.high.toFixed(3)} (${rounds.length} rounds)`);

    const meanCpu = (phase, who) => rounds.reduce((sum, r) => sum + r.cpu[phase][who], 0) / rounds.length;
    console.log('\nCPU in cores (mean of the rounds)   quiet   readers   readers - quiet');
    for (const who of ['grid', 'bench']) {
      const label = who === 'grid' ? 'grid process (infergrid up)' : 'this script (clients + pollers)';
      console.log(`${label.padEnd(34)} ${pad(meanCpu('quiet', who).toFixed(3), 6)} ${pad(meanCpu('readers', who).toFixed(3), 9)} ` +
        `${pad((meanCpu('readers', who) - meanCpu('quiet', who)).toFixed(3), 17)}`);
    }

    // Where the readers' CPU came from: with the grid's core saturated, what the dashboard's threads
    // gain the serving threads lose.
    const meanThread = (phase, name) => rounds.reduce((sum, r) => sum + (r.threads[phase].get(name) ?? 0), 0) / rounds.length;
    const names = [...new Set(rounds.flatMap((r) => [...r.threads.quiet.keys(), ...r.threads.readers.keys()]))]
      .filter((name) => meanThread('quiet', name) >= 0.002 || meanThread('readers', name) >= 0.002)
      .sort((a, b) => meanThread('quiet', b) - meanThread('quiet', a));
    console.log('\ngrid threads by name, cores           quiet   readers   readers - quiet');
    for (const name of names) {
      const [quietCores, readersCores] = [meanThread('quiet', name), meanThread('readers', name)];
      console.log(`${name.padEnd(34)} ${pad(quietCores.toFixed(3), 6)} ${pad(readersCores.toFixed(3), 9)} ${pad((readersCores - quietCores).toFixed(3), 17)}`);
    }

    console.log(`\nendpoint (${settings.pollers} pollers)${' '.repeat(12)}requests   req/s    p50 ms    p99 ms    max ms`);
    const pollSeconds = settings.rounds * settings.phaseS;
    let worstP99 = 0;
    const all = [];
    for (const { route } of endpoints) {
      const sorted = latencies.get(route).sort((a, b) => a - b);
      all.push(...sorted);
      worstP99 = Math.max(worstP99, percentile(sorted, 0.99));
      console.log(`${route.padEnd(36)} ${pad(sorted.length, 8)} ${pad((sorted.length / pollSeconds).toFixed(1), 7)} ` +
        `${pad(percentile(sorted, 0.5).toFixed(2), 9)} ${pad(percentile(sorted, 0.99).toFixed(2), 9)} ${pad((sorted.at(-1) ?? 0).toFixed(2), 9)}`);
    }
    all.sort((a, b) => a - b);
    console.log(`${'all endpoints'.padEnd(36)} ${pad(all.length, 8)} ${pad((all.length / pollSeconds).toFixed(1), 7)} ` +
      `${pad(percentile(all, 0.5).toFixed(2), 9)} ${pad(percentile(all, 0.99).toFixed(2), 9)} ${pad((all.at(-1) ?? 0).toFixed(2), 9)}`);
    for (const [reason, count] of pollFailures) console.log(`  failed: ${count} x ${reason}`);
    for (const [reason, count] of completionFailures) console.log(`  completion failed: ${count} x ${reason}`);
    if (answersBefore && answersAfter) {
      const built = answersAfter.built - answersBefore.built;
      const shared = answersAfter.shared - answersBefore.shared;
      console.log(`bridge answer cache: ${built} answers built, ${shared} shared (${(built / pollSeconds).toFixed(1)} builds/s for ` +
        `${(all.length / pollSeconds).toFixed(1)} req/s; GET /metrics infergrid_dashboard_answers_total)`);
    } else {
      console.log('bridge answer cache: not counted (this bridge has no infergrid_dashboard_answers_total)');
    }
    console.log(`\nserved tokens/s with readers / without: ${ratio.toFixed(3)} (target >= 0.95: ${ratio >= 0.95 ? 'met' : 'missed'}); ` +
      `worst endpoint p99 ${worstP99.toFixed(2)} ms (target <= 50 ms: ${worstP99 <= 50 ? 'met' : 'missed'}); ` +
      `${served.length} completions, ${[...pollFailures.values()].reduce((a, b) => a + b, 0)} failed dashboard requests`);
    if (served.length === 0 || all.length === 0) process.exitCode = 1;
  } finally {
    running = false;
    const exit = await grid.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    if (exit.code !== 0) {
      console.log(`infergrid up exited with ${JSON.stringify(exit)}`);
      process.exitCode = 1;
    }
  }
}

await main();
