import { injectable } from 'tsyringe';
import type { Digest } from '../util/digest';
import type { RdbInput } from '../rdb/input';
import { moduleTypeProblem, type ModuleTypeInput, type ModuleTypeOutput } from '../rdb/module-type';
import type { RdbOutput } from '../rdb/output';

/**
 * How a type's values persist, owned by the type: its RDB form (also DUMP's payload, as in
 * Redis) through the kernel's RDB primitives, and the commands that rebuild a value (the AOF
 * rewrite). Persistence walks the registry and never names a type.
 */
export interface TypeCodec<V> {
  /** Redis's RDB type ids this type reads; values are written as the first. */
  readonly rdbTypes: readonly number[];
  save(out: RdbOutput, value: V): void;
  /** A value of RDB type `rdbType`; null for an empty aggregate (skipped on load, refused by RESTORE). */
  load(input: RdbInput, rdbType: number): V | null;
  /** Emit the commands that rebuild `value` at `key` (rewriteListObject, ...). */
  rewrite(key: string, value: V, emit: (argv: string[]) => void): void;
}

/**
 * A plugin type persists the way a Redis module type does: RDB_TYPE_MODULE_2 with a 64-bit id
 * made of a 9-character name and an encoding version, then opcode-tagged values; a server
 * without the type refuses the file naming it.
 */
export interface ModuleTypeCodec<V> {
  /** 9 characters from A-Z, a-z, 0-9, '-', '_' (Redis module type names). */
  readonly moduleType: string;
  /** 0..1023; `load` gets the version the data was written with. */
  readonly encver: number;
  save(io: ModuleTypeOutput, value: V): void;
  load(io: ModuleTypeInput, encver: number): V;
  /** Emit the commands that rebuild `value` at `key` (the module type's aof_rewrite). */
  rewrite(key: string, value: V, emit: (argv: string[]) => void): void;
}

/**
 * A data type as a module registers it with the keyspace. The kernel stores values opaquely;
 * everything type-specific it needs (TYPE, OBJECT ENCODING, COPY, persistence) comes from here.
 */
export interface DataType<V = unknown> {
  /** What TYPE answers ("string", "list", ...). */
  readonly name: string;
  /** Whether a stored value belongs to this type. */
  is(value: unknown): value is V;
  /** OBJECT ENCODING's answer for a value ("embstr", "listpack", ...). */
  encoding(value: V): string;
  /** A deep copy (COPY, and snapshots that must not share mutable state). */
  clone(value: V): V;
  /**
   * An estimate of the bytes a value uses (MEMORY USAGE, INFO memory). `samples` is MEMORY
   * USAGE's SAMPLES (objectComputeSize): a collection kept element by element measures that
   * many elements and extrapolates to the rest (0: all); absent, the type's own way (the
   * estimate used_memory keeps).
   */
  memory?(value: V, samples?: number): number;
  /** The elements SORT sorts (lists in order, sets, sorted sets by score). */
  elements?(value: V): string[];
  /** A field's value, for SORT's `BY`/`GET` `key->field` patterns (hashes). */
  field?(value: V, field: string): string | undefined;
  /** A new value holding `elements` (SORT ... STORE builds a list this way). */
  fromElements?(elements: string[]): V;
  /** Add the value to a DEBUG DIGEST as Redis's xorObjectDigest does for its type. */
  digest?(value: V, d: Digest): void;
  /** How values persist with Redis's own RDB type ids (the built-in types). */
  codec?: TypeCodec<V>;
  /** How a plugin type's values persist, as a Redis module type. A type with neither is skipped by SAVE and refused by DUMP. */
  moduleCodec?: ModuleTypeCodec<V>;
}

/** The type registry that data-type modules fill. */
@injectable()
export class TypeRegistry {
  private readonly types: DataType[] = [];
  private readonly rdbTypes: (DataType | undefined)[] = [];
  private readonly moduleTypes = new Map<string, DataType>();

  register(type: DataType): void {
    if (this.types.some((t) => t.name === type.name)) throw new Error(`data type '${type.name}' is registered twice`);
    const mc = type.moduleCodec;
    if (mc !== undefined) {
      const problem = moduleTypeProblem(mc.moduleType, mc.encver);
      if (problem !== undefined) throw new Error(`data type '${type.name}': ${problem}`);
      if (this.moduleTypes.has(mc.moduleType)) throw new Error(`module type '${mc.moduleType}' is registered twice`);
    }
    for (const id of type.codec?.rdbTypes ?? []) {
      if (this.rdbTypes[id] !== undefined) throw new Error(`RDB type ${id} is read by both '${this.rdbTypes[id]!.name}' and '${type.name}'`);
    }
    if (mc !== undefined) this.moduleTypes.set(mc.moduleType, type);
    for (const id of type.codec?.rdbTypes ?? []) this.rdbTypes[id] = type;
    this.types.push(type as DataType);
  }

  /** The type of a stored value. Values of unregistered types are a bug in a module. */
  of(value: unknown): DataType {
    for (const t of this.types) if (t.is(value)) return t;
    throw new Error(`value of unregistered type stored in the keyspace (${typeof value})`);
  }

  /** The type that reads an RDB type id (RDB_TYPE_LIST_QUICKLIST_2 -> lists). */
  forRdbType(id: number): DataType | undefined {
    return this.rdbTypes[id];
  }

  /** The plugin type with this module type name. */
  forModuleType(name: string): DataType | undefined {
    return this.moduleTypes.get(name);
  }

  byName(name: string): DataType | undefined {
    return this.types.find((t) => t.name === name.toLowerCase());
  }

  all(): readonly DataType[] {
    return this.types;
  }
}
