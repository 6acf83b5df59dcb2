#!/usr/bin/env node
import 'reflect-metadata';
import { spawn } from 'child_process';
import * as os from 'os';
import { ConfigError, FERROUS_VERSION, REDIS_VERSION, startServer, type Ferrous } from './bootstrap';
import { heapFlags, heapSized, maxmemoryOf, serverEnv } from './heap-size';

const USAGE = `Usage: ferrous [/path/to/redis.conf] [options]
       ferrous -v or --version
       ferrous -h or --help

Examples:
       ferrous (run the server with default conf)
       ferrous /etc/redis/6379.conf
       ferrous --port 7777
       ferrous /etc/myredis.conf --loglevel verbose --port 6380

Options are redis.conf's directives as --name value (docs/configuration.md); they
override the file's. Plugins load with --loadmodule <path or package name>.
`;

/** `ferrous [configfile] [--name value ...]`, as redis-server takes them. */
async function main(argv: string[]): Promise<void> {
  if (argv.length === 1 && (argv[0] === '-v' || argv[0] === '--version')) {
    process.stdout.write(`Ferrous server v=${FERROUS_VERSION} redis=${REDIS_VERSION} node=${process.version}\n`);
    return;
  }
  if (argv.length === 1 && (argv[0] === '-h' || argv[0] === '--help')) {
    process.stdout.write(USAGE);
    return;
  }
  if (!heapSized(process.execArgv, process.env.NODE_OPTIONS)) {
    relaunch(heapFlags(maxmemoryOf(argv)));
    return;
  }
  // Installed first: a signal during the start is served once the server is up.
  let stop: ((signal: string) => void) | null = null;
  let pending: string | null = null;
  const onSignal = (signal: string) => (stop === null ? (pending = signal) : stop(signal));
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  watchNpmParent(onSignal);
  // Started by relaunch(): a launcher killed outright (SIGKILL passes nothing on) must not leave the server running orphaned.
  if (process.env.FERROUS_LAUNCHER === String(process.ppid)) watchParent(() => onSignal(LAUNCHER_EXITED));
  let ferrous: Ferrous;
  try {
    ferrous = await startServer({ argv, daemonize });
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`\n*** FATAL CONFIG FILE ERROR (Redis ${REDIS_VERSION}) ***\n`);
      if (e.line !== undefined) process.stderr.write(`Reading the configuration file, at line ${e.line}\n`);
      if (e.text !== undefined) process.stderr.write(`>>> '${e.text}'\n`);
      process.stderr.write(`${e.message}\n`);
    } else if (!/^Could not create server TCP listening socket/.test((e as Error).message)) {
      // The bind failure was logged in Redis's words. A plain Error is a refused start (a data
      // file that does not load): its message is enough; anything else is a bug, with its stack.
      const plain = e instanceof Error && e.constructor === Error;
      process.stderr.write(`${plain ? e.message : ((e as Error).stack ?? String(e))}\n`);
    }
    // Not process.exit(): a logfile still receives the last lines.
    process.exitCode = 1;
    return;
  }
  const { server } = ferrous;
  const exit = (code: number) => {
    // The log's last lines reach a logfile before the process ends.
    void server.logger.flush().finally(() => process.exit(code));
  };
  server.onStopped = () => {
    server.logger.notice('Ferrous is now ready to exit, bye bye...');
    exit(0);
  };
  let stopping = false;
  stop = (signal: string) => {
    if (stopping) {
      server.logger.warning('You insist... exiting now.');
      exit(1);
      return;
    }
    stopping = true;
    server.logger.warning(
      signal === PARENT_EXITED
        ? 'The npm process that started Ferrous exited, scheduling shutdown...'
        : signal === LAUNCHER_EXITED
          ? 'The launcher that started Ferrous exited, scheduling shutdown...'
          : `Received ${signal} scheduling shutdown...`,
    );
    server.shutdown().catch((e: Error) => {
      stopping = false;
      server.logger.warning(`${e.message}: can't exit.`);
    });
  };
  if (pending !== null) stop(pending);
}

/** `daemonize yes`: start this same command detached, with no terminal, and leave. */
function daemonize(): void {
  if (process.env.FERROUS_DAEMON === '1') return;
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, FERROUS_DAEMON: '1' },
  });
  child.unref();
  process.exit(0);
}


/**
 * Run this same command again in a Node with a sized heap (heap-size.ts), passing signals on
 * and exiting as it exits. This process stays only as the child's parent: the server's pid
 * (INFO, pidfile) is the child's.
 */
function relaunch(flags: string[]): void {
  const child = spawn(process.execPath, [...flags, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...serverEnv(process.env), FERROUS_LAUNCHER: String(process.pid) },
  });
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGUSR1', 'SIGUSR2'] as const) process.on(signal, forward(signal));
  watchNpmParent(() => child.kill('SIGTERM'));
  child.on('exit', (code, signal) => process.exit(signal !== null ? 128 + (os.constants.signals[signal] ?? 0) : (code ?? 1)));
}

const PARENT_EXITED = 'parent-exited';
const LAUNCHER_EXITED = 'launcher-exited';

/**
 * npm and npx run a bin through `sh -c`; on SIGTERM npm passes the signal to that shell, which
 * dies without passing it on, and the server would run on orphaned. Started by npm, the server
 * treats its parent's exit as SIGTERM.
 */
function watchNpmParent(onSignal: (signal: string) => void): void {
  if (process.env.npm_lifecycle_event === undefined && process.env.npm_command === undefined) return;
  watchParent(() => onSignal(PARENT_EXITED));
}

/** Call `onExit` once the parent process has exited (polling: no event tells a child). */
function watchParent(onExit: () => void): void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onExit();
  }, 250);
  timer.unref();
}

void main(process.argv.slice(2));
