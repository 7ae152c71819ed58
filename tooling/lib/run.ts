import { spawn, type SpawnOptions } from 'node:child_process';
import { createWriteStream } from 'node:fs';

export interface RunResult {
  code: number;
  output: string;
}

/**
 * Runs a command to completion. Output goes to `logFile` when given (and is returned),
 * otherwise to this process's stdout/stderr.
 */
export function run(command: string, args: string[], options: SpawnOptions & { logFile?: string } = {}): Promise<RunResult> {
  const { logFile, ...spawnOptions } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: logFile ? ['ignore', 'pipe', 'pipe'] : 'inherit', ...spawnOptions });
    let output = '';
    if (logFile) {
      const log = createWriteStream(logFile);
      const collect = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.length > 200_000) output = output.slice(-100_000);
        log.write(chunk);
      };
      child.stdout?.on('data', collect);
      child.stderr?.on('data', collect);
      child.on('close', () => log.end());
    }
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

/** The last `count` lines of a text, for error messages. */
export function lastLines(text: string, count = 20): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}
