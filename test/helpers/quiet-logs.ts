/**
 * Jest setup: `npm test` stays quiet on success. Servers the suites start on purpose with broken
 * files, taken ports or bad configs log warnings that would flood the output; their log lines go
 * nowhere unless FERROUS_TEST_LOGS=1 (a server given a logfile still writes it). Child processes (helpers/spawn.ts) are not affected.
 */
import { Logger } from '../../kernel/logging';

if (process.env.FERROUS_TEST_LOGS !== '1') {
  const configure = Logger.prototype.configure;
  Logger.prototype.configure = function (this: Logger, level, file) {
    configure.call(this, level, file);
    // A logfile is what a test asked for (and reads); only the console is silenced.
    if (file === '') (this as unknown as { logger: { silent: boolean } }).logger.silent = true;
  };
}
