import { emitBatched, formatDouble, pairs, parseScore, RdbType, type TypeCodec } from '../../kernel';
import { type Limits, ZSet } from './zset';

/** Sorted sets in RDB form: written as RDB_TYPE_ZSET_2; the older forms read too. */
export function zsetCodec(limits: Limits): TypeCodec<ZSet> {
  return {
    rdbTypes: [RdbType.Zset2, RdbType.Zset, RdbType.ZsetZiplist, RdbType.ZsetListpack],
    save: (out, z) => {
      out.length(z.size);
      z.forEach((ele, score) => {
        out.string(ele);
        out.double(score);
      });
    },
    load: (input, type) => {
      const z = new ZSet();
      const add = (ele: string, score: number) => {
        if (z.score(ele) === undefined) z.insert(score, ele, limits);
        else z.setScore(ele, score);
      };
      if (type === RdbType.Zset || type === RdbType.Zset2) {
        const n = input.length();
        for (let i = 0; i < n; i++) {
          const ele = input.string();
          add(ele, type === RdbType.Zset2 ? input.binaryDouble() : input.asciiDouble());
        }
      } else {
        for (const [ele, score] of pairs(type === RdbType.ZsetZiplist ? input.ziplist() : input.listpack())) add(ele, parseScore(score));
      }
      return z.size === 0 ? null : z;
    },
    rewrite: (key, z, emit) => {
      const flat: string[] = [];
      z.forEach((ele, score) => flat.push(formatDouble(score), ele));
      emitBatched(emit, 'ZADD', key, flat, 2);
    },
  };
}
