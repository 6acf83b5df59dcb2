import { emitBatched, pairs, RdbType, type TypeCodec } from '../../kernel';
import { Hash, type Limits } from './hash';

/** Hashes in RDB form: written as RDB_TYPE_HASH; zipmaps, ziplists and listpacks read too. */
export function hashCodec(limits: Limits): TypeCodec<Hash> {
  return {
    rdbTypes: [RdbType.Hash, RdbType.HashZipmap, RdbType.HashZiplist, RdbType.HashListpack],
    save: (out, h) => {
      out.length(h.size);
      for (const s of h.flat()) out.string(s);
    },
    load: (input, type) => {
      let entries: [string, string][];
      if (type === RdbType.Hash) {
        const n = input.length();
        entries = [];
        for (let i = 0; i < n; i++) entries.push([input.string(), input.string()]);
      } else if (type === RdbType.HashZipmap) entries = input.zipmap();
      else entries = pairs(type === RdbType.HashZiplist ? input.ziplist() : input.listpack());
      if (entries.length === 0) return null;
      const h = new Hash();
      for (const [f, v] of entries) h.store(f, v, limits);
      return h;
    },
    rewrite: (key, h, emit) => {
      emitBatched(emit, 'HMSET', key, h.flat(), 2);
    },
  };
}
