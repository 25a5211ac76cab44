// Starts a real `infergrid up` for a test: the config is deploy/all-in-one.yaml with every
// 127.0.0.1 port replaced by a free one (and, optionally, another API keys file), run from the
// source tree so its relative model paths resolve. Waits until the bridge answers and a model is
// served; stop() sends SIGTERM and waits for a clean exit.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const sourceDir = process.env.INFERGRID_SOURCE_DIR ?? path.resolve(import.meta.dirname, '../..');
const binary = process.env.INFERGRID_BIN ?? path.join(process.env.INFERGRID_BINARY_DIR ?? 'build', 'actors/cli/infergrid');
// How long the grid may take to start and register a worker (model load on a CPU Vulkan device).
const startTimeoutMs = 90000;

export const devKey = 'sk-infergrid-dev';
export { sourceDir };

// A loopback port nobody listens on now and that this process has not handed out before: the
// kernel may give the same free port to two binds in a row, and a config whose gateway and HTTP
// bridge share one port cannot start (seen in CI: "cannot listen on 127.0.0.1:38325 (in use?)").
const portsHandedOut = new Set();

export async function freePort() {
  for (;;) {
    const server = net.createServer();
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address();
    await new Promise((resolve) => server.close(resolve));
    if (!portsHandedOut.has(port)) {
      portsHandedOut.add(port);
      return port;
    }
  }
}

// The error a request that must fail was refused with.
export async function rejection(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('the request succeeded but should have failed');
}

// Retries `check` until it returns without throwing, or rethrows its last failure after timeoutMs.
export async function eventually(check, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (failure) {
      if (Date.now() > deadline) throw failure;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

// model: optionally { path, name } served instead of deploy/all-in-one.yaml's stories260k.
async function configWithFreePorts(keysFile, model) {
  let text = fs.readFileSync(path.join(sourceDir, 'deploy/all-in-one.yaml'), 'utf8');
  if (model) {
    text = text.replaceAll('deploy/models/stories260k.gguf', model.path).replaceAll('stories260k:', `${model.name}:`);
  }
  if (!/^\s+kind: http_bridge$/m.test(text)) throw new Error('deploy/all-in-one.yaml has no http_bridge actor');
  let httpPort = 0;
  const pieces = [];
  let last = 0;
  for (const match of text.matchAll(/127\.0\.0\.1:(\d+)/g)) {
    const port = await freePort();
    if (text.slice(Math.max(0, match.index - 8), match.index).includes('listen:')) httpPort = port;
    pieces.push(text.slice(last, match.index), `127.0.0.1:${port}`);
    last = match.index + match[0].length;
  }
  pieces.push(text.slice(last));
  text = pieces.join('');
  if (keysFile) text = text.replace(/keys_file: [^,}\s]+/, `keys_file: ${keysFile}`);
  if (!httpPort) throw new Error('no `listen: 127.0.0.1:<port>` for the http_bridge in deploy/all-in-one.yaml');
  return { text, httpPort };
}

// edit: optionally (configText, dir) => configText, applied last (e.g. settings for one actor).
// servesModel: false for a grid without workers of its own (miners join it later): ready once the
// bridge answers.
export async function startGrid({ keysFile, model, edit, servesModel = true } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'infergrid-http-'));
  const config = await configWithFreePorts(keysFile, model);
  // Key files and the ledger database the config names go to the test's folder, not the source
  // tree: every test starts from an empty ledger and leaves nothing behind.
  let text = config.text.replaceAll(/identity_file: ([\w.-]+)/g, `identity_file: ${dir}/$1`)
    .replaceAll(/^(\s+db: )([\w.-]+)$/gm, `$1${dir}/$2`);
  if (!text.includes(`db: ${dir}/`)) throw new Error('deploy/all-in-one.yaml names no settlement `db:` to move');
  if (edit) text = edit(text, dir);
  const { httpPort } = config;
  const configPath = path.join(dir, 'all-in-one.yaml');
  fs.writeFileSync(configPath, text);
  const child = spawn(binary, ['up', '--config', configPath], { cwd: sourceDir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  let exited = null;
  const exit = new Promise((resolve) => child.on('exit', (code, signal) => resolve((exited = { code, signal }))));
  const origin = `http://127.0.0.1:${httpPort}`;
  const stop = async () => {
    if (!exited) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15000);
    const result = await exit;
    clearTimeout(timer);
    fs.rmSync(dir, { recursive: true, force: true });
    return result;
  };
  const deadline = Date.now() + startTimeoutMs;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`infergrid up exited early (${JSON.stringify(exited)}):\n${output}`);
    try {
      const res = await fetch(`${origin}/v1/models`, { headers: { Authorization: `Bearer ${devKey}` } });
      if (res.ok && (!servesModel || (await res.json()).data.length > 0)) {
        return { origin, baseURL: `${origin}/v1`, stop, output: () => output, dir, configPath, pid: child.pid };
      }
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`the grid did not serve a model within ${startTimeoutMs} ms:\n${output}`);
}
