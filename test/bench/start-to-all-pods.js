// From engine start to every pod of a 20,000-pod, 3-cluster sandbox in the estate, beside
// `kubectl get pods -A -o json` for the same three clusters in parallel, in one run.
// The sandbox runs in a child process of its own, so serving it does not share the engine's
// event loop (as a real API server would not).
//
//   npm run build:node
//   node test/bench/start-to-all-pods.js [--pods 20000]
//
// Plain JavaScript over the compiled engine in out/. Prints figures; asserts nothing.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import yaml from 'js-yaml';

const { values: args } = parseArgs({ options: { pods: { type: 'string', default: '20000' } } });
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const out = path.resolve(process.env.DAYTWO_OUT ?? path.join(repo, 'out'));
const load = (file) => import(pathToFileURL(path.join(out, file)).href);
const run = promisify(execFile);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-bench-start-'));
const child = spawn(process.execPath, [path.join(out, 'electron/engine/sandbox/cli.js'), '--pods', args.pods, '--out', path.join(dir, 'sandbox')], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const ready = await new Promise((resolve, reject) => {
  let text = '';
  child.stdout.on('data', (chunk) => {
    text += chunk;
    const match = /Sandbox ready kubeconfig=(\S+) aws-config=(\S+) aws-credentials=(\S+)/.exec(text);
    if (match) resolve({ kubeconfig: match[1], awsConfig: match[2], awsCredentials: match[3] });
  });
  child.once('exit', (code) => reject(new Error(`sandbox exited ${code}`)));
});

try {
  const kubeconfig = fs.readFileSync(ready.kubeconfig, 'utf8');
  const adminContexts = yaml.load(kubeconfig).contexts.map((c) => c.name).filter((n) => !n.endsWith('-viewer'));
  // What the clusters hold, and kubectl's own time for it: three clusters in parallel.
  const t0 = performance.now();
  const lists = await Promise.all(
    adminContexts.map((context) =>
      run('kubectl', ['--kubeconfig', ready.kubeconfig, '--context', context, 'get', 'pods', '-A', '-o', 'json'], { maxBuffer: 1 << 30 }),
    ),
  );
  const kubectlMs = performance.now() - t0;
  const total = lists.reduce((sum, { stdout }) => sum + JSON.parse(stdout).items.length, 0);

  const { createEngine } = await load('electron/engine/engine.js');
  const started = performance.now();
  const engine = createEngine({
    mode: 'host',
    version: 'bench',
    dataDir: path.join(dir, 'data'),
    readOnly: false,
    sealer: { unavailableReason: 'bench', seal: () => Buffer.alloc(0), open: () => '' },
    sandbox: true,
    log: () => {},
    connections: { kubeconfigFiles: [ready.kubeconfig], aws: { configFile: ready.awsConfig, credentialsFile: ready.awsCredentials }, env: {} },
  });
  let pods = 0;
  for (;;) {
    pods = engine.estate.find({ kinds: ['pod'] }).length;
    if (pods >= total || performance.now() - started > 300_000) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const engineMs = performance.now() - started;
  console.log(`${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`engine start → all ${pods} of ${total} pods of ${adminContexts.length} clusters in the estate: ${(engineMs / 1000).toFixed(2)} s`);
  console.log(`kubectl get pods -A -o json, the ${adminContexts.length} clusters in parallel:            ${(kubectlMs / 1000).toFixed(2)} s`);
  await engine.close();
} finally {
  child.kill('SIGINT');
  await new Promise((r) => child.once('exit', r));
  fs.rmSync(dir, { recursive: true, force: true });
}
