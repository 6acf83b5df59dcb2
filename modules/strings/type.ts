import { type DataType, Errors, parseInt64, type Database } from '../../kernel';

/** Redis's OBJ_ENCODING_EMBSTR_SIZE_LIMIT. */
const EMBSTR_LIMIT = 44;

/** Strings are stored as JS binary strings: one char per byte. */
export const StringType: DataType<string> = {
  name: 'string',
  is: (v): v is string => typeof v === 'string',
  // tryObjectEncoding: "int" when string2l accepts it (at most 20 chars), else embstr up to 44 bytes.
  encoding: (v) => (v.length <= 20 && parseInt64(v) !== null ? 'int' : v.length <= EMBSTR_LIMIT ? 'embstr' : 'raw'),
  clone: (v) => v,
  memory: (v) => v.length + 16,
  digest: (v, d) => d.mix(v),
  toPortable: (v) => ({ kind: 'string', value: v }),
  fromPortable: (p) => {
    if (p.kind !== 'string') throw new Error(`cannot make a string of a ${p.kind}`);
    return p.value;
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
