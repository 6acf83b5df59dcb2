import { Command, type CommandContext, Errors, inject, NULL_ARRAY, Notify, RedisModule, type Reply, SORTED_SETS, type SortedSets, type SortedSetValue } from '../../kernel';
import { decodeScore, encodeScore, exactDistance, standardGeohash } from './geohash';
import { coordReply, distanceReply, georadius, parseLonLat, parseUnit, readGeo, Search } from './search';

const enum Add {
  NX = 1,
  XX = 2,
  CH = 4,
}

/**
 * The geo commands. Points are sorted-set members scored with their 52-bit geohash, as in
 * Redis, so ZRANGE and friends see them and RDB files interchange; the sorted sets are reached
 * through the kernel's SORTED_SETS service.
 */
@RedisModule({ name: 'geo', requires: ['sorted-sets'] })
export default class GeoModule {
  private readonly xy = new Float64Array(2);
  /** GEOADD's encoded scores, reused by every call (the server runs one command at a time). */
  private scores = new Float64Array(8);

  constructor(@inject(SORTED_SETS) private readonly sets: SortedSets) {}

  /** GEOADD key [NX|XX] [CH] lon lat member ...: ZADD with the encoded positions, propagated as ZADD. */
  @Command('geoadd')
  geoadd(ctx: CommandContext, argv: string[]): Reply {
    let flags = 0;
    let first = 2;
    for (; first < argv.length; first++) {
      // Options are two letters: anything longer is the first longitude.
      if (argv[first].length !== 2) break;
      const o = argv[first].toLowerCase();
      if (o === 'nx') flags |= Add.NX;
      else if (o === 'xx') flags |= Add.XX;
      else if (o === 'ch') flags |= Add.CH;
      else break;
    }
    const n = (argv.length - first) / 3;
    if (!Number.isInteger(n) || n === 0 || (flags & (Add.NX | Add.XX)) === (Add.NX | Add.XX)) throw Errors.syntax;
    // Every position is checked before anything is added (a bad one fails the whole command).
    if (this.scores.length < n) this.scores = new Float64Array(n);
    const scores = this.scores;
    for (let i = 0; i < n; i++) {
      parseLonLat(argv, first + 3 * i, this.xy);
      scores[i] = encodeScore(this.xy[0], this.xy[1]);
    }
    const key = argv[1];
    const ss = this.sets;
    const v = ctx.db.peek(key);
    let zs: SortedSetValue;
    if (v === undefined) {
      if ((flags & Add.XX) !== 0) return 0;
      zs = ss.create();
      ctx.db.set(key, zs);
    } else if (ss.is(v)) {
      zs = v;
    } else {
      throw Errors.wrongType;
    }
    let added = 0;
    let updated = 0;
    const nx = (flags & Add.NX) !== 0;
    const xx = (flags & Add.XX) !== 0;
    for (let i = 0; i < n; i++) {
      const r = ss.put(zs, argv[first + 3 * i + 2], scores[i], nx, xx);
      if (r === 1) added++;
      else if (r === 2) updated++;
    }
    if (added + updated !== 0) {
      ctx.modified(key, Notify.ZSET, 'zadd');
      if (ctx.server.journal.active) ctx.propagate(zaddArgv(argv, first, n, scores));
    }
    return (flags & Add.CH) !== 0 ? added + updated : added;
  }

  @Command('geodist')
  geodist(ctx: CommandContext, argv: string[]): Reply {
    let toMeters = 1;
    if (argv.length === 5) toMeters = parseUnit(argv[4]);
    else if (argv.length > 5) throw Errors.syntax;
    const z = readGeo(ctx, this.sets, argv[1]);
    if (z === undefined) return null;
    const s1 = z.score(argv[2]);
    const s2 = z.score(argv[3]);
    if (s1 === undefined || s2 === undefined) return null;
    decodeScore(s1, this.xy);
    const [lon1, lat1] = this.xy;
    decodeScore(s2, this.xy);
    return distanceReply(exactDistance(lon1, lat1, this.xy[0], this.xy[1]) / toMeters);
  }

  @Command('geohash')
  geohash(ctx: CommandContext, argv: string[]): Reply {
    const z = readGeo(ctx, this.sets, argv[1]);
    const out: Reply[] = [];
    for (let i = 2; i < argv.length; i++) {
      const score = z?.score(argv[i]);
      if (score === undefined) {
        out.push(null);
        continue;
      }
      decodeScore(score, this.xy);
      out.push(standardGeohash(this.xy));
    }
    return out;
  }

  @Command('geopos')
  geopos(ctx: CommandContext, argv: string[]): Reply {
    const z = readGeo(ctx, this.sets, argv[1]);
    const out: Reply[] = [];
    for (let i = 2; i < argv.length; i++) {
      const score = z?.score(argv[i]);
      if (score === undefined) {
        out.push(NULL_ARRAY);
        continue;
      }
      decodeScore(score, this.xy);
      out.push([coordReply(this.xy[0]), coordReply(this.xy[1])]);
    }
    return out;
  }

  @Command('georadius')
  georadius(ctx: CommandContext, argv: string[]): Reply {
    return georadius(ctx, this.sets, argv, 1, Search.Coords);
  }

  @Command('georadius_ro')
  georadiusRo(ctx: CommandContext, argv: string[]): Reply {
    return georadius(ctx, this.sets, argv, 1, Search.Coords | Search.NoStore);
  }

  @Command('georadiusbymember')
  georadiusByMember(ctx: CommandContext, argv: string[]): Reply {
    return georadius(ctx, this.sets, argv, 1, Search.Member);
  }

  @Command('georadiusbymember_ro')
  georadiusByMemberRo(ctx: CommandContext, argv: string[]): Reply {
    return georadius(ctx, this.sets, argv, 1, Search.Member | Search.NoStore);
  }

  @Command('geosearch')
  geosearch(ctx: CommandContext, argv: string[]): Reply {
    return georadius(ctx, this.sets, argv, 1, Search.GeoSearch);
  }

  @Command('geosearchstore')
  geosearchstore(ctx: CommandContext, argv: string[]): Reply {
    return georadius(ctx, this.sets, argv, 2, Search.GeoSearch | Search.Store);
  }
}

/** The ZADD that GEOADD becomes: its options, then score and member pairs. */
function zaddArgv(argv: string[], first: number, n: number, scores: Float64Array): string[] {
  const out = ['ZADD', ...argv.slice(1, first)];
  for (let i = 0; i < n; i++) out.push(String(scores[i]), argv[first + 3 * i + 2]);
  return out;
}
