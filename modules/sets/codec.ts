import { emitBatched, RdbType, type TypeCodec } from '../../kernel';
import { type RSet, setOf } from './set';

/** Sets in RDB form: written as RDB_TYPE_SET; intsets read too. Loaded sets follow set-max-intset-entries. */
export function setCodec(maxIntset: () => number): TypeCodec<RSet> {
  return {
    rdbTypes: [RdbType.Set, RdbType.SetIntset],
    save: (out, v) => {
      out.length(v.members.length);
      for (const m of v.members) out.string(m);
    },
    load: (input, type) => {
      const members = type === RdbType.Set ? input.strings() : input.intset();
      return members.length === 0 ? null : setOf(members, maxIntset());
    },
    rewrite: (key, v, emit) => emitBatched(emit, 'SADD', key, v.members),
  };
}
