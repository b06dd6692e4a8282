import { spawn } from 'node:child_process';
import { BIN } from './paths.js';

export interface DfgetResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the BUILT dfget binary against a daemon's socket. `onStderr` sees progress lines as they come. */
export function dfget(socketPath: string, args: string[], onStderr?: (text: string) => void): Promise<DfgetResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN.dfget, '-e', socketPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
    child.stderr.setEncoding('utf8').on('data', (t: string) => {
      stderr += t;
      onStderr?.(t);
    });
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
