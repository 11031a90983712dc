// A built Daytwo process (the sandbox's or the host's CLI) as a child of a bench: started with
// Node flags and an environment of the bench's choosing, waited on until it prints its ready
// line, stopped with SIGTERM (SIGKILL after 10 s).
import { spawn } from 'node:child_process';
import readline from 'node:readline';

/** Resolves with the child, the ready line's match and stop() once `ready` matches a line of its stdout; rejects if it exits first. */
export function startChild(argv, env, ready) {
  const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: env && Object.keys(env).length ? env : process.env });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  return new Promise((resolve, reject) => {
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      const match = ready.exec(line);
      if (!match) return;
      resolve({
        child,
        match,
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
            child.once('exit', () => (clearTimeout(force), done()));
            child.kill('SIGTERM');
          }),
      });
    });
    child.once('exit', (code) => reject(new Error(`${argv.find((a) => a.endsWith('.js')) ?? argv[0]} exited ${code}\n${stderr}`)));
  });
}
