import { type CommandContext, type Reply, ReplyError, StatusReply } from '../../kernel';
import { asHll, corrupted } from './check';
import { DENSE, fromString, HDR, mergeInto, REGISTERS, sparseToDense, toString } from './hll';

const noKey = new ReplyError('ERR The specified key does not exist');
const notSparse = new ReplyError('ERR HLL encoding is not sparse');

/** PFDEBUG GETREG|DECODE|ENCODING|TODENSE key: the key is checked before the subcommand, as in Redis. */
export function pfdebug(ctx: CommandContext, argv: string[]): Reply {
  const sub = argv[1];
  const key = argv[2];
  const v = ctx.db.peek(key);
  if (v === undefined) throw noKey;
  const s = asHll(v);
  const op = sub.toLowerCase();
  const known = op === 'getreg' || op === 'decode' || op === 'encoding' || op === 'todense';
  if (!known) throw new ReplyError(`ERR Unknown PFDEBUG subcommand '${sub}'`);
  if (argv.length !== 3) throw new ReplyError(`ERR Wrong number of arguments for the '${sub}' subcommand`);
  const sparse = s.charCodeAt(4) !== DENSE;
  if (op === 'encoding') return new StatusReply(sparse ? 'sparse' : 'dense');
  if (op === 'decode') {
    if (!sparse) throw notSparse;
    return decode(s);
  }
  let dense = s;
  if (sparse) {
    const h = fromString(s);
    if (!sparseToDense(h)) throw corrupted;
    dense = toString(h);
    ctx.db.set(key, dense, true);
    // Redis counts the new encoding as a change, so it is propagated.
    ctx.server.keyspace.stats.dirty++;
  }
  if (op === 'todense') return sparse ? 1 : 0;
  const registers = new Uint8Array(REGISTERS);
  mergeInto(registers, dense);
  return Array.from(registers);
}

/** The sparse opcodes as text: `z:<run>` (ZERO), `Z:<run>` (XZERO), `v:<value>,<run>` (VAL). */
function decode(s: string): string {
  const out: string[] = [];
  for (let p = HDR; p < s.length; ) {
    const op = s.charCodeAt(p);
    if ((op & 0xc0) === 0) {
      out.push(`z:${(op & 0x3f) + 1}`);
      p++;
    } else if ((op & 0x80) === 0) {
      out.push(`Z:${(((op & 0x3f) << 8) | s.charCodeAt(p + 1)) + 1}`);
      p += 2;
    } else {
      out.push(`v:${((op >> 2) & 0x1f) + 1},${(op & 3) + 1}`);
      p++;
    }
  }
  return out.join(' ');
}
