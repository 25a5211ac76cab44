// A headless Chromium driven over the DevTools protocol (the `ws` package): open a page, evaluate
// expressions in it, collect console errors and uncaught exceptions, take screenshots.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';

const binary = process.env.CHROMIUM_BIN ?? 'chromium';

function killGroup(pid) {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch { /* the whole group has already exited */ }
}

export async function launchChromium() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'infergrid-chromium-'));
  const child = spawn(binary, ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-extensions', '--disable-quic',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--window-size=1400,1800', '--remote-debugging-port=0', `--user-data-dir=${profile}`, 'about:blank'],
  // Its own process group, so close() can stop the helper processes (renderer, GPU, crashpad) too.
  { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`chromium did not open its DevTools port:\n${stderr}`)), 30000);
    child.stderr.on('data', (d) => {
      stderr += d;
      const found = stderr.match(/DevTools listening on ws:\/\/[^:]+:(\d+)\//);
      if (found) { clearTimeout(timer); resolve(Number(found[1])); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`chromium exited (${code}):\n${stderr}`)); });
  });
  const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
  const page = targets.find((t) => t.type === 'page');
  const socket = new WebSocket(page.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => { socket.once('open', resolve); socket.once('error', reject); });
  let nextId = 1;
  const pending = new Map();
  const errors = [];
  socket.on('message', (data) => {
    const message = JSON.parse(data);
    if (message.id && pending.has(message.id)) {
      const { resolve, reject } = pending.get(message.id);
      pending.delete(message.id);
      if (message.error) reject(new Error(JSON.stringify(message.error))); else resolve(message.result);
    } else if (message.method === 'Runtime.consoleAPICalled' && message.params.type === 'error') {
      errors.push(`console.error: ${message.params.args.map((a) => a.value ?? a.description).join(' ')}`);
    } else if (message.method === 'Runtime.exceptionThrown') {
      errors.push(`exception: ${message.params.exceptionDetails.exception?.description ?? message.params.exceptionDetails.text}`);
    } else if (message.method === 'Log.entryAdded' && message.params.entry.level === 'error') {
      errors.push(`log: ${message.params.entry.text} ${message.params.entry.url ?? ''}`);
    }
  });
  const send = (method, params = {}) => new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    socket.send(JSON.stringify({ id, method, params }));
  });
  await send('Runtime.enable');
  await send('Log.enable');
  await send('Page.enable');
  const evaluate = async (expression) => {
    const out = await send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true });
    if (out.exceptionDetails) throw new Error(`${expression}: ${out.exceptionDetails.exception?.description}`);
    return out.result.value;
  };
  return {
    errors,
    evaluate,
    async navigate(url) { await send('Page.navigate', { url }); },
    async waitFor(expression, timeoutMs = 20000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        try {
          if (await evaluate(expression)) return;
        } catch { /* the page is still loading */ }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`timed out waiting for ${expression}`);
    },
    async screenshot(file) {
      const { data } = await send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true });
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, Buffer.from(data, 'base64'));
    },
    async close() {
      socket.close();
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      killGroup(child.pid);
      // A helper can still be writing into the profile for a moment after the group is told to
      // stop (ENOTEMPTY on the first try), so the removal retries for a few seconds.
      for (let attempt = 0; ; attempt++) {
        try {
          fs.rmSync(profile, { recursive: true, force: true });
          return;
        } catch (error) {
          if (attempt >= 50) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    },
  };
}
