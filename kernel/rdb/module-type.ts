import { RdbError } from './format';
import type { RdbInput } from './input';
import type { RdbOutput } from './output';

/** The characters of a module type name (moduleTypeCreate's ModuleTypeNameCharSet). */
const CHARSET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The value opcodes inside RDB_TYPE_MODULE_2 data (RDB_MODULE_OPCODE_*). */
const enum ModuleOp {
  Eof = 0,
  SInt = 1,
  UInt = 2,
  Float = 3,
  Double = 4,
  String = 5,
}

/** Why a module type name or encoding version is refused, or undefined when it is valid. */
export function moduleTypeProblem(name: string, encver: number): string | undefined {
  if (name.length !== 9 || [...name].some((ch) => !CHARSET.includes(ch))) {
    return `module type name '${name}' must be 9 characters from A-Z, a-z, 0-9, '-' and '_'`;
  }
  if (!Number.isInteger(encver) || encver < 0 || encver > 1023) return `module type encoding version ${encver} must be 0..1023`;
  return undefined;
}

/**
 * moduleTypeEncodeId: six bits per name character, then ten bits of encoding version, as the
 * two 32-bit halves of the 64-bit id.
 */
export function moduleTypeId(name: string, encver: number): [hi: number, lo: number] {
  let hi = 0;
  let lo = 0;
  const shift = (bits: number, value: number) => {
    hi = ((hi * 2 ** bits) % 4294967296) + Math.floor(lo / 2 ** (32 - bits));
    lo = ((lo * 2 ** bits) % 4294967296) + value;
  };
  for (const ch of name) shift(6, CHARSET.indexOf(ch));
  shift(10, encver);
  return [hi >>> 0, lo >>> 0];
}

/** moduleTypeNameByID and the encoding version: the inverse of moduleTypeId. */
export function moduleTypeName(hi: number, lo: number): [name: string, encver: number] {
  const encver = lo & 1023;
  let name = '';
  // Bit 63 down: the name's 54 bits start at bit 10.
  for (let i = 0; i < 9; i++) {
    const bit = 10 + (8 - i) * 6;
    const v = bit >= 32 ? (hi >>> (bit - 32)) & 63 : bit + 6 <= 32 ? (lo >>> bit) & 63 : ((lo >>> bit) | (hi << (32 - bit))) & 63;
    name += CHARSET[v];
  }
  return [name, encver];
}

/**
 * What a plugin type's save sees: Redis's RedisModule_Save* calls, each value preceded by
 * its opcode, so any server can walk (and redis-check-rdb can verify) data it cannot load.
 */
export class ModuleTypeOutput {
  constructor(private readonly out: RdbOutput) {}

  /** An unsigned integer, 0..2^53 - 1 (RedisModule_SaveUnsigned). */
  saveUnsigned(n: number): void {
    this.out.length(ModuleOp.UInt);
    this.out.length(n);
  }

  /** A signed integer, within ±2^53 (RedisModule_SaveSigned: the same bits as an unsigned). */
  saveSigned(n: number): void {
    this.out.length(ModuleOp.SInt);
    if (n >= 0) this.out.length(n);
    else {
      const hi = Math.floor(n / 4294967296);
      this.out.length64(hi >>> 0, (n - hi * 4294967296) >>> 0);
    }
  }

  /** A binary string (RedisModule_SaveStringBuffer). */
  saveString(s: string): void {
    this.out.length(ModuleOp.String);
    this.out.string(s);
  }

  /** A double (RedisModule_SaveDouble). */
  saveDouble(d: number): void {
    this.out.length(ModuleOp.Double);
    this.out.double(d);
  }

  /** The end marker after the value. */
  end(): void {
    this.out.length(ModuleOp.Eof);
  }
}

/** What a plugin type's load sees: the RedisModule_Load* calls, each checking its opcode. */
export class ModuleTypeInput {
  constructor(
    private readonly input: RdbInput,
    private readonly typeName: string,
  ) {}

  private expect(op: ModuleOp): void {
    const got = this.input.length();
    if (got !== op) throw new RdbError(`module type '${this.typeName}': expected value opcode ${op}, found ${got}`);
  }

  loadUnsigned(): number {
    this.expect(ModuleOp.UInt);
    return this.input.length();
  }

  loadSigned(): number {
    this.expect(ModuleOp.SInt);
    const [hi, lo] = this.input.length64();
    return (hi | 0) * 4294967296 + lo;
  }

  loadString(): string {
    this.expect(ModuleOp.String);
    return this.input.string();
  }

  loadDouble(): number {
    this.expect(ModuleOp.Double);
    return this.input.binaryDouble();
  }

  /** The end marker: data the type did not read is an error, as in Redis. */
  end(): void {
    if (this.input.length() !== ModuleOp.Eof) {
      throw new RdbError(`The RDB file contains module data for the module type '${this.typeName}' that is not terminated by the proper module value EOF marker`);
    }
  }
}
