import * as fs from 'fs';
import * as path from 'path';
import { Client, type FunctionStore, type Keyspace, type Logger, type Server } from '../../kernel';
import { loadRdb } from './apply';

/** A file that cannot be loaded: the server refuses to start with this message. */
export class AofLoadError extends Error {}

export const enum LoadResult {
  Ok,
  Empty,
  Truncated,
}

export interface LoadOptions {
  /** aof-load-truncated: a torn tail of the last file is cut off instead of refusing to start. */
  loadTruncated: boolean;
  /** Whether this is the last file of the set (only the last may be truncated). */
  lastFile: boolean;
}

/** Counters for INFO and the log. */
export interface LoadStats {
  keys: number;
  expired: number;
  commands: number;
}

/**
 * Replays AOF files (loadSingleAppendOnlyFile): an RDB part first when the file starts with
 * "REDIS" (a `.base.rdb`, or an old-style RDB-preamble AOF), then RESP commands, each run
 * through the kernel's dispatcher on a connection-less client, as Redis's fake AOF client.
 */
export class AofLoader {
  private readonly client: Client;
  private inMulti = false;
  readonly stats: LoadStats = { keys: 0, expired: 0, commands: 0 };

  constructor(
    private readonly server: Server,
    private readonly keyspace: Keyspace,
    private readonly functions: FunctionStore | undefined,
    private readonly logger: Logger,
  ) {
    this.client = new Client(server, null);
    this.client.authenticated = true;
    this.client.denyBlocking = true;
  }

  /** Load `dir/name`. Throws AofLoadError when the file cannot be loaded. */
  loadFile(dir: string, name: string, opts: LoadOptions): LoadResult {
    const file = path.join(dir, name);
    let buf: Buffer;
    try {
      buf = fs.readFileSync(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new AofLoadError(`The append log file ${name} doesn't exist: ${(e as Error).message}`);
      throw new AofLoadError(`Fatal error: can't open the append log file ${name} for reading: ${(e as Error).message}`);
    }
    if (buf.length === 0) return LoadResult.Empty;
    this.inMulti = false;
    // A previous file's SELECT does not carry over: each file starts in DB 0, as Redis's fresh fake client.
    this.client.select(0);
    let pos = 0;
    if (buf.length >= 5 && buf.latin1Slice(0, 5) === 'REDIS') {
      const oldStyle = !name.includes('.base.');
      this.logger.notice(oldStyle ? 'Reading RDB preamble from AOF file...' : 'Reading RDB base file on AOF loading...');
      try {
        pos = this.loadRdb(buf);
      } catch (e) {
        throw new AofLoadError(
          `${oldStyle ? `Error reading the RDB preamble of the AOF file ${name}` : `Error reading the RDB base file ${name}`}, AOF loading aborted: ${(e as Error).message}`,
        );
      }
      if (oldStyle && pos < buf.length) this.logger.notice('Reading the remaining AOF tail...');
    }
    return this.replay(buf, pos, file, name, opts);
  }

  /** The RDB part: returns the offset just after it (after the checksum). */
  private loadRdb(buf: Buffer): number {
    const applied = loadRdb(this.keyspace, this.functions, buf, true);
    this.stats.keys += applied.keys;
    this.stats.expired += applied.expired;
    return applied.end;
  }

  /** The RESP part, command by command, with Redis's handling of torn tails and bad formats. */
  private replay(buf: Buffer, start: number, file: string, name: string, opts: LoadOptions): LoadResult {
    const len = buf.length;
    let pos = start;
    let validUpTo = start;
    let validBeforeMulti = start;
    const c = this.client;
    const fmtErr = () =>
      new AofLoadError(`Bad file format reading the append only file ${name}: make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>`);
    let truncated = false;
    outer: while (pos < len) {
      let nl = buf.indexOf(10, pos);
      if (nl < 0) {
        truncated = true;
        break;
      }
      if (buf[pos] === 0x23 /* '#' annotation */) {
        pos = nl + 1;
        continue;
      }
      if (buf[pos] !== 0x2a /* '*' */) throw fmtErr();
      const argc = parseInt(buf.latin1Slice(pos + 1, nl), 10);
      if (!(argc >= 1)) throw fmtErr();
      pos = nl + 1;
      const argv: string[] = new Array(argc);
      for (let j = 0; j < argc; j++) {
        if (pos >= len) {
          truncated = true;
          break outer;
        }
        nl = buf.indexOf(10, pos);
        if (nl < 0) {
          truncated = true;
          break outer;
        }
        if (buf[pos] !== 0x24 /* '$' */) throw fmtErr();
        const n = parseInt(buf.latin1Slice(pos + 1, nl), 10) || 0;
        pos = nl + 1;
        if (pos + n + 2 > len) {
          truncated = true;
          break outer;
        }
        argv[j] = buf.latin1Slice(pos, pos + n);
        pos += n + 2;
      }
      this.run(argv, name, () => (validBeforeMulti = validUpTo));
      validUpTo = pos;
    }
    if (!truncated && this.inMulti) {
      this.logger.warning(`Revert incomplete MULTI/EXEC transaction in AOF file ${name}`);
      validUpTo = validBeforeMulti;
      truncated = true;
    }
    if (this.inMulti) {
      this.server.execute(c, ['DISCARD']);
      c.out = '';
      this.inMulti = false;
    }
    if (!truncated) return LoadResult.Ok;
    if (opts.loadTruncated && opts.lastFile) {
      this.logger.warning(`!!! Warning: short read while loading the AOF file ${name}!!!`);
      this.logger.warning(`!!! Truncating the AOF ${name} at offset ${validUpTo} !!!`);
      try {
        fs.truncateSync(file, validUpTo);
      } catch (e) {
        this.logger.warning(`Error truncating the AOF file ${name}: ${(e as Error).message}`);
        throw this.unexpectedEof(name);
      }
      this.logger.warning(`AOF ${name} loaded anyway because aof-load-truncated is enabled`);
      return LoadResult.Truncated;
    }
    throw this.unexpectedEof(name);
  }

  private unexpectedEof(name: string): AofLoadError {
    return new AofLoadError(
      `Unexpected end of file reading the append only file ${name}. You can: ` +
        '1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. ' +
        "2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.",
    );
  }

  private run(argv: string[], name: string, onMulti: () => void): void {
    const c = this.client;
    const cmd = this.server.commands.lookup(argv[0]);
    if (cmd === undefined) throw new AofLoadError(`Unknown command '${argv[0]}' reading the append only file ${name}`);
    const lower = cmd.name;
    if (lower === 'multi') {
      onMulti();
      this.inMulti = true;
    } else if (lower === 'exec' || lower === 'discard') {
      this.inMulti = false;
    }
    this.server.execute(c, argv);
    // The fake client's replies go nowhere.
    c.out = '';
    this.stats.commands++;
  }
}
