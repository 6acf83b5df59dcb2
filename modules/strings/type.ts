import { type DataType, EMBSTR_SIZE_LIMIT, Errors, parseInt64, type Database, RdbType } from '../../kernel';

/** Strings are stored as JS binary strings: one char per byte. */
export const StringType: DataType<string> = {
  name: 'string',
  is: (v): v is string => typeof v === 'string',
  // tryObjectEncoding: "int" when string2l accepts it (at most 20 chars), else embstr up to 44 bytes.
  encoding: (v) => (v.length <= 20 && parseInt64(v) !== null ? 'int' : v.length <= EMBSTR_SIZE_LIMIT ? 'embstr' : 'raw'),
  clone: (v) => v,
  memory: (v) => v.length + 16,
  digest: (v, d) => d.mix(v),
  codec: {
    rdbTypes: [RdbType.String],
    save: (out, v) => out.string(v),
    load: (input) => input.string(),
    rewrite: (key, v, emit) => emit(['SET', key, v]),
  },
};

/**
 * A string key as write commands look it up (lookupKeyWrite: no hit/miss statistics):
 * the value, undefined when missing, WRONGTYPE for another type.
 */
export function peekString(db: Database, key: string): string | undefined {
  const v = db.peek(key);
  if (v === undefined || typeof v === 'string') return v;
  throw Errors.wrongType;
}
