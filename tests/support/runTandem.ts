import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './TestServer.js';

export interface TandemRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout as bytes, for binary output such as `export --format yjs`. */
  stdoutBytes: Buffer;
}

/**
 * Runs the built CLI (`node dist/server/main.js …`) to completion, as an
 * operator would, and resolves with its exit code and output. Never rejects
 * on a non-zero exit: tests assert the code.
 *
 * @example
 * const { code, stdout } = await runTandem(['check', '--data-dir', dir]);
 */
export function runTandem(args: string[], options: { env?: Record<string, string | undefined>; timeoutMs?: number } = {}): Promise<TandemRun> {
  return new Promise((resolve, reject) => {
    // The caller's environment must not leak a DATA_DIR or TANDEM_CONFIG into the command.
    const env: Record<string, string | undefined> = { ...process.env, DATA_DIR: undefined, TANDEM_CONFIG: undefined, ...options.env };
    const child = spawn(process.execPath, [join(REPO_ROOT, 'dist/server/main.js'), ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tandem ${args.join(' ')} did not finish within ${options.timeoutMs ?? 20_000} ms`));
    }, options.timeoutMs ?? 20_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      const bytes = Buffer.concat(stdout);
      resolve({ code, stdout: bytes.toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8'), stdoutBytes: bytes });
    });
  });
}
