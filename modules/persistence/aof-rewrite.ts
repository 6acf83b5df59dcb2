import * as fs from 'fs';
import { formatDouble, type FunctionStore, type Keyspace, type PortableValue } from '../../kernel';

/** AOF_REWRITE_ITEMS_PER_CMD: elements per RPUSH/SADD/ZADD/HMSET when rebuilding a value. */
const ITEMS_PER_CMD = 64;
/** Bytes buffered before a write to the file. */
const FLUSH_CHARS = 1 << 20;

/** catAppendOnlyGenericCommand: one command in RESP, arguments being binary (latin1) strings. */
export function encodeCommand(argv: string[]): string {
  let s = `*${argv.length}\r\n`;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    s += `$${a.length}\r\n${a}\r\n`;
  }
  return s;
}

/** Emit the commands that rebuild one value (rewriteListObject, rewriteSetObject, ...). */
export function rebuildCommands(key: string, p: PortableValue, emit: (argv: string[]) => void): boolean {
  const batched = (cmd: string, items: string[], per: number) => {
    for (let i = 0; i < items.length; i += ITEMS_PER_CMD * per) emit([cmd, key, ...items.slice(i, i + ITEMS_PER_CMD * per)]);
  };
  switch (p.kind) {
    case 'string':
      emit(['SET', key, p.value]);
      return true;
    case 'list':
      batched('RPUSH', p.items, 1);
      return true;
    case 'set':
      batched('SADD', p.members, 1);
      return true;
    case 'zset':
      batched('ZADD', p.entries.flatMap(([m, s]) => [formatDouble(s), m]), 2);
      return true;
    case 'hash':
      batched('HMSET', p.entries.flatMap(([f, v]) => [f, v]), 2);
      return true;
    default:
      return false;
  }
}

/**
 * rewriteAppendOnlyFileRio without an RDB preamble: the whole dataset as commands, written
 * synchronously (a first step: the RDB-preamble base is written in the background from a
 * point-in-time snapshot instead). Returns the names of types that could not be written.
 */
export function writeAofBase(file: string, keyspace: Keyspace, functions: FunctionStore | undefined): Set<string> {
  const skipped = new Set<string>();
  const fd = fs.openSync(file, 'w');
  try {
    let out = '';
    const emit = (argv: string[]) => {
      out += encodeCommand(argv);
      if (out.length >= FLUSH_CHARS) {
        fs.writeSync(fd, out, null, 'latin1');
        out = '';
      }
    };
    const now = Date.now();
    // rewriteFunctions: the libraries first, as the commands that load them.
    for (const code of functions?.codes() ?? []) emit(['FUNCTION', 'LOAD', code]);
    for (const db of keyspace.dbs) {
      if (db.size === 0) continue;
      emit(['SELECT', String(db.id)]);
      for (const key of db.keys()) {
        const e = db.peekEntry(key);
        if (e === undefined) continue;
        const expire = db.getExpire(key);
        if (expire !== -1 && expire <= now) continue;
        const type = keyspace.types.of(e.value);
        const p = type.toPortable?.(e.value);
        if (p === undefined || !rebuildCommands(key, p, emit)) {
          skipped.add(type.name);
          continue;
        }
        if (expire !== -1) emit(['PEXPIREAT', key, String(expire)]);
      }
    }
    if (out.length !== 0) fs.writeSync(fd, out, null, 'latin1');
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return skipped;
}
