import { type CommandContext, OK, type Reply, ReplyError, StatusReply } from '../../kernel';
import { asHll, corrupted } from './check';
import { add, createHll, DENSE, estimate, fromString, HDR, mergeInto, REGISTERS, setRegisters, SPARSE, sparseToDense, toString } from './hll';

const noKey = new ReplyError('ERR The specified key does not exist');
const notSparse = new ReplyError('ERR HLL encoding is not sparse');

/** PFDEBUG GETREG|DECODE|ENCODING|TODENSE key: the key is checked before the subcommand, as in Redis. */
export function pfdebug(ctx: CommandContext, argv: string[]): Reply {
  const sub = argv[1];
  const key = argv[2];
  const v = ctx.db.peek(key);
  if (v === undefined) throw noKey;
  const s = asHll(v);
  // Unshared before the subcommand is even known: a raw string from now on.
  ctx.db.markRaw(key, s.length);
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
    ctx.db.markRaw(key, dense.length);
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

/**
 * Redis writes the registers 1000 times and adds ten million elements; a tenth of the first
 * and a hundredth of the second keep the server's pause near a tenth of a second in JavaScript.
 */
const TEST_CYCLES = 100;
const TEST_ELEMENTS = 100000;

/** The 8 little-endian bytes of the 64-bit value hi:lo, as a binary string. */
function bytes64(lo: number, hi: number): string {
  return String.fromCharCode(lo & 0xff, (lo >>> 8) & 0xff, (lo >>> 16) & 0xff, lo >>> 24, hi & 0xff, (hi >>> 8) & 0xff, (hi >>> 16) & 0xff, hi >>> 24);
}

function count(s: string): number {
  const registers = new Uint8Array(REGISTERS);
  mergeInto(registers, s);
  return estimate(registers);
}

/**
 * PFSELFTEST, Redis's two tests: dense registers keep what is written to them without
 * touching their neighbours, and dense and sparse HLLs fed the same unique elements agree and
 * stay within six standard errors at every power of ten (sparse while small).
 */
export function pfselftest(sparseMaxBytes: number): Reply {
  const empty = createHll();
  sparseToDense(empty);
  const values = new Uint8Array(REGISTERS);
  const read = new Uint8Array(REGISTERS);
  for (let j = 0; j < TEST_CYCLES; j++) {
    const h = fromString(toString(empty));
    for (let i = 0; i < REGISTERS; i++) values[i] = Math.floor(Math.random() * 64);
    setRegisters(h, values, sparseMaxBytes);
    read.fill(0);
    mergeInto(read, toString(h));
    for (let i = 0; i < REGISTERS; i++) {
      if (read[i] !== values[i]) return new ReplyError(`TESTFAILED Register ${i} should be ${values[i]} but is ${read[i]}`);
    }
  }

  const dense = fromString(toString(empty));
  const sparse = createHll();
  const relerr = 1.04 / Math.sqrt(REGISTERS);
  const seedLo = Math.floor(Math.random() * 2 ** 32);
  const seedHi = Math.floor(Math.random() * 2 ** 32);
  let checkpoint = 1;
  for (let j = 1; j <= TEST_ELEMENTS; j++) {
    const ele = bytes64((j ^ seedLo) >>> 0, seedHi);
    add(dense, ele, sparseMaxBytes);
    add(sparse, ele, sparseMaxBytes);
    if (j !== checkpoint) continue;
    if (j < sparseMaxBytes / 2 && sparse.b[4] !== SPARSE) return new ReplyError('TESTFAILED sparse encoding not used');
    const card = count(toString(dense));
    if (card !== count(toString(sparse))) return new ReplyError('TESTFAILED dense/sparse disagree');
    // Cardinality 10 sometimes collides beyond the bound: Redis allows it an error of 1.
    const maxerr = j === 10 ? 1 : Math.ceil(relerr * 6 * checkpoint);
    const abserr = Math.abs(checkpoint - card);
    if (abserr > maxerr) return new ReplyError(`TESTFAILED Too big error. card:${checkpoint} abserr:${abserr}`);
    checkpoint *= 10;
  }
  return OK;
}
