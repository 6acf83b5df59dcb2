import { spawn } from 'child_process';
import { globMatch, type Logger, type Reply, ReplyError } from '../../kernel';

/** DEBUG SLEEP: the whole server stops, as Redis's nanosleep does (strtod's leading number; nothing parses as 0). */
export function sleepSeconds(seconds: number): void {
  const ms = Math.trunc((Number.isFinite(seconds) ? seconds : 0) * 1000000) / 1000;
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** stringmatchlen_fuzz_test: random patterns against random strings, to show matching never throws. */
export function stringmatchTest(): void {
  const chars = 'ab*?[]^-\\';
  const pick = (n: number) => {
    let s = '';
    for (let i = Math.floor(Math.random() * n); i > 0; i--) s += chars[Math.floor(Math.random() * chars.length)];
    return s;
  };
  for (let i = 0; i < 100000; i++) globMatch(pick(32), pick(32));
}

/**
 * The subcommands that end the process as Redis's do: a crash report line in the log, then the
 * signal Redis dies of. CRASH-AND-RECOVER and RESTART start the same server again after the
 * delay (a new process with the same arguments) before this one goes.
 */
export function crash(logger: Logger, sub: string, delayArg?: string): Reply {
  let delay = 0;
  if (delayArg !== undefined) {
    if (!/^-?\d+$/.test(delayArg)) throw new ReplyError('ERR value is not an integer or out of range');
    delay = Math.max(0, Number(delayArg));
  }
  const now = Math.floor(Date.now() / 1000);
  switch (sub) {
    case 'segfault':
      logger.warning('Crashed running the instruction at: DEBUG SEGFAULT');
      process.kill(process.pid, 'SIGSEGV');
      break;
    case 'panic':
      logger.warning(`Guru Meditation: DEBUG PANIC called at Unix time ${now}`);
      process.abort();
      break;
    case 'assert':
      logger.warning("=== ASSERTION FAILED ===\n==> debug: '1 == 2' is not true");
      process.abort();
      break;
    case 'oom':
      logger.warning('Out Of Memory allocating 18446744073709551615 bytes!');
      process.abort();
      break;
    default:
      restart(logger, sub === 'restart', delay);
  }
  return null;
}

function restart(logger: Logger, graceful: boolean, delayMs: number): void {
  logger.warning(`${graceful ? 'Restarting' : 'Crashing and restarting'} the server by DEBUG ${graceful ? 'RESTART' : 'CRASH-AND-RECOVER'}`);
  // The child waits out the delay, then runs the same command line; this process goes at once
  // (a graceful restart lets the SIGTERM handler save first), freeing the port for it.
  const script = `setTimeout(() => require('child_process').spawn(process.argv[1], process.argv.slice(2), { stdio: 'inherit', detached: true }).unref(), ${delayMs + 200})`;
  spawn(process.execPath, ['-e', script, process.execPath, ...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit', detached: true }).unref();
  process.kill(process.pid, graceful ? 'SIGTERM' : 'SIGKILL');
}
