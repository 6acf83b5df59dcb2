import {
  type CommandContext,
  decodeDumpPayload,
  dumpPayload,
  Errors,
  type Keyspace,
  Notify,
  OK,
  parseIntArg,
  type Reply,
  ReplyError,
  verifyDumpPayload,
} from '../../kernel';

const BUSYKEY = new ReplyError('BUSYKEY Target key name already exists.');
const BAD_FORMAT = new ReplyError('ERR Bad data format');
const BAD_PAYLOAD = new ReplyError('ERR DUMP payload version or checksum are wrong');

/** DUMP key: the value in RDB form plus the RDB version and a CRC64, or nil. */
export function dump(ctx: CommandContext, keyspace: Keyspace, key: string): Reply {
  const v = ctx.db.get(key);
  if (v === undefined) return null;
  const type = keyspace.types.of(v);
  const payload = dumpPayload(type, v);
  if (payload === null) throw new ReplyError(`ERR values of type '${type.name}' cannot be serialized`);
  return payload.latin1Slice(0, payload.length);
}

/** RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency] (restoreCommand). */
export function restore(ctx: CommandContext, keyspace: Keyspace, argv: string[]): Reply {
  let replace = false;
  let absttl = false;
  let idle = -1;
  let freq = -1;
  for (let j = 4; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    const more = argv.length - j - 1;
    if (opt === 'replace') replace = true;
    else if (opt === 'absttl') absttl = true;
    else if (opt === 'idletime' && more >= 1 && freq === -1) {
      idle = parseIntArg(argv[++j]);
      if (Number.isNaN(idle)) throw Errors.notInteger;
      if (idle < 0) throw new ReplyError('ERR Invalid IDLETIME value, must be >= 0');
    } else if (opt === 'freq' && more >= 1 && idle === -1) {
      freq = parseIntArg(argv[++j]);
      if (Number.isNaN(freq)) throw Errors.notInteger;
      if (freq < 0 || freq > 255) throw new ReplyError('ERR Invalid FREQ value, must be >= 0 and <= 255');
    } else throw Errors.syntax;
  }
  const key = argv[1];
  const db = ctx.db;
  if (!replace && db.has(key)) throw BUSYKEY;
  let ttl = parseIntArg(argv[2]);
  if (Number.isNaN(ttl)) throw Errors.notInteger;
  if (ttl < 0) throw new ReplyError('ERR Invalid TTL value, must be >= 0');

  const payload = Buffer.from(argv[3], 'latin1');
  if (!verifyDumpPayload(payload)) throw BAD_PAYLOAD;
  let value: unknown;
  try {
    value = decodeDumpPayload(payload, keyspace.types);
  } catch {
    throw BAD_FORMAT;
  }
  if (value === null) throw BAD_FORMAT;

  const deleted = replace && db.delete(key);
  if (ttl !== 0 && !absttl) ttl += Date.now();
  if (ttl !== 0 && ttl <= Date.now()) {
    if (deleted) {
      ctx.propagate(['DEL', key]);
      ctx.modified(key, Notify.GENERIC, 'del');
    }
    return OK;
  }
  db.set(key, value);
  if (ttl !== 0) {
    db.setExpire(key, ttl);
    if (!absttl) ctx.propagate([argv[0], key, String(ttl), ...argv.slice(3), 'ABSTTL']);
  }
  keyspace.restoreStamp(db, key, idle, freq);
  ctx.modified(key, Notify.GENERIC, 'restore');
  return OK;
}
