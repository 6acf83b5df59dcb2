import 'reflect-metadata';
import { spawn } from 'child_process';
import { ConfigError, REDIS_VERSION, startServer } from './bootstrap';

/** `node dist/kernel/main.js [configfile] [--name value ...]`, as redis-server takes them. */
async function main(): Promise<void> {
  let ferrous;
  try {
    ferrous = await startServer({ argv: process.argv.slice(2), daemonize });
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`\n*** FATAL CONFIG FILE ERROR (Redis ${REDIS_VERSION}) ***\n`);
      if (e.line !== undefined) process.stderr.write(`Reading the configuration file, at line ${e.line}\n`);
      if (e.text !== undefined) process.stderr.write(`>>> '${e.text}'\n`);
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
  const { server } = ferrous;
  server.onStopped = () => {
    server.logger.notice('Ferrous is now ready to exit, bye bye...');
    setImmediate(() => process.exit(0));
  };
  const stop = (signal: string) => {
    server.logger.warning(`Received ${signal} scheduling shutdown...`);
    server.shutdown().catch((e: Error) => server.logger.warning(`${e.message}: can't exit.`));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
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

void main();
