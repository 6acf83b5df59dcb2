import { injectable } from 'tsyringe';
import * as winston from 'winston';

/** Redis's log levels, most severe first, and the mark each puts in a log line. */
const LEVELS = { warning: 0, notice: 1, verbose: 2, debug: 3 } as const;
const MARKS: Record<string, string> = { warning: '#', notice: '*', verbose: '-', debug: '.' };
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export type LogLevel = keyof typeof LEVELS;

function timestamp(d: Date): string {
  const p2 = (n: number) => (n < 10 ? `0${n}` : String(n));
  const ms = String(d.getMilliseconds()).padStart(3, '0');
  return `${p2(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}.${ms}`;
}

/** A Redis-style line: `pid:M 22 Nov 2026 00:40:18.123 * message`. */
const redisLine = winston.format.printf((info) => `${process.pid}:M ${timestamp(new Date())} ${MARKS[info.level]} ${String(info.message)}`);

/** The server log (winston). Never called per command on the hot path. */
@injectable()
export class Logger {
  private readonly logger = winston.createLogger({
    levels: LEVELS,
    level: 'notice',
    format: redisLine,
    transports: [new winston.transports.Console({ stderrLevels: [] })],
  });

  configure(level: LogLevel, file: string): void {
    this.logger.level = level;
    this.logger.clear();
    this.logger.add(file === '' ? new winston.transports.Console({ stderrLevels: [] }) : new winston.transports.File({ filename: file }));
  }

  setLevel(level: LogLevel): void {
    this.logger.level = level;
  }

  warning(msg: string): void {
    this.logger.log('warning', msg);
  }
  notice(msg: string): void {
    this.logger.log('notice', msg);
  }
  verbose(msg: string): void {
    this.logger.log('verbose', msg);
  }
  debug(msg: string): void {
    this.logger.log('debug', msg);
  }

  /**
   * Wait until buffered lines are written (before exit); the logger takes no lines after.
   * Each transport's own 'finish' is awaited: the logger's comes before a file is written.
   */
  flush(): Promise<void> {
    const transports = [...this.logger.transports];
    const done = transports.map((t) => new Promise<void>((resolve) => t.once('finish', () => resolve())));
    this.logger.end();
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, 2000).unref());
    return Promise.race([Promise.all(done).then(() => undefined), timeout]);
  }
}
