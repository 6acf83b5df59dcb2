import * as fs from 'fs';
import { encodeCommand, type FunctionStore, type Keyspace } from '../../kernel';

/** Bytes buffered before a write to the file. */
const FLUSH_CHARS = 1 << 20;

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
        const value = db.peekStored(key);
        if (value === undefined) continue;
        const expire = db.getExpire(key);
        if (expire !== -1 && expire <= now) continue;
        const type = keyspace.types.of(value);
        const codec = type.codec ?? type.moduleCodec;
        if (codec === undefined) {
          skipped.add(type.name);
          continue;
        }
        codec.rewrite(key, value, emit);
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
