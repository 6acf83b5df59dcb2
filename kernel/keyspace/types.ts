import { injectable } from 'tsyringe';
import type { Digest } from '../util/digest';

/**
 * A value in a neutral form, for persistence (RDB, AOF rewrite, DUMP/RESTORE) and anything
 * else that must read or rebuild values without knowing the module that owns the type.
 * Plugin types use `opaque` with bytes of their own format.
 */
export type PortableValue =
  | { kind: 'string'; value: string }
  | { kind: 'list'; items: string[] }
  | { kind: 'set'; members: string[] }
  | { kind: 'zset'; entries: [member: string, score: number][] }
  | { kind: 'hash'; entries: [field: string, value: string][] }
  | { kind: 'opaque'; bytes: string };

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
  /** An estimate of the bytes a value uses (MEMORY USAGE, INFO memory). */
  memory?(value: V): number;
  /** The elements SORT sorts (lists in order, sets, sorted sets by score). */
  elements?(value: V): string[];
  /** A field's value, for SORT's `BY`/`GET` `key->field` patterns (hashes). */
  field?(value: V, field: string): string | undefined;
  /** A new value holding `elements` (SORT ... STORE builds a list this way). */
  fromElements?(elements: string[]): V;
  /** Add the value to a DEBUG DIGEST as Redis's xorObjectDigest does for its type. */
  digest?(value: V, d: Digest): void;
  /** The value in neutral form (persistence). */
  toPortable?(value: V): PortableValue;
  /** Rebuild a value from its neutral form (persistence); encodings follow the current config. */
  fromPortable?(p: PortableValue): V;
}

/** The type registry that data-type modules fill. */
@injectable()
export class TypeRegistry {
  private readonly types: DataType[] = [];

  register(type: DataType): void {
    if (this.types.some((t) => t.name === type.name)) throw new Error(`data type '${type.name}' is registered twice`);
    this.types.push(type as DataType);
  }

  /** The type of a stored value. Values of unregistered types are a bug in a module. */
  of(value: unknown): DataType {
    for (const t of this.types) if (t.is(value)) return t;
    throw new Error(`value of unregistered type stored in the keyspace (${typeof value})`);
  }

  /** The type that rebuilds values of a portable kind ('list' -> the lists module's type). */
  forKind(kind: PortableValue['kind']): DataType | undefined {
    const name = kind === 'string' || kind === 'list' || kind === 'set' || kind === 'zset' || kind === 'hash' ? kind : undefined;
    return name === undefined ? undefined : this.byName(name);
  }

  byName(name: string): DataType | undefined {
    return this.types.find((t) => t.name === name.toLowerCase());
  }

  all(): readonly DataType[] {
    return this.types;
  }
}
