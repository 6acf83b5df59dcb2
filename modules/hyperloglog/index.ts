import {
  Command,
  type CommandContext,
  Config,
  inject,
  Notify,
  OK,
  RedisModule,
  type Reply,
} from '../../kernel';
import {
  add,
  cachedCard,
  createHll,
  DENSE,
  estimate,
  fromString,
  type Hll,
  invalidateCache,
  mergeInto,
  REGISTERS,
  setCachedCard,
  setRegisters,
  sparseToDense,
  toString,
} from './hll';
import { asHll, corrupted } from './check';
import { pfdebug, pfselftest } from './debug';


// HyperLogLogs are strings: the strings module owns the type they read and write.
@RedisModule({
  name: 'hyperloglog',
  requires: ['strings'],
  config: [
    {
      name: 'hll-sparse-max-bytes',
      type: 'memory',
      default: 3000,
      min: 0,
      doc: 'A sparse HyperLogLog that would grow past this many bytes (header included) turns dense.',
    },
  ],
})
export default class HyperLogLogModule {
  /** Read from the config on change, not per command. */
  private sparseMaxBytes = 3000;

  constructor(@inject(Config) config: Config) {
    config.watch('hll-sparse-max-bytes', (v) => (this.sparseMaxBytes = v as number));
  }

  @Command('pfadd')
  pfadd(ctx: CommandContext, argv: string[]): Reply {
    const key = argv[1];
    const cur = ctx.db.peek(key);
    let updated = 0;
    let h: Hll;
    if (cur === undefined) {
      h = createHll();
      updated++;
    } else {
      h = fromString(asHll(cur));
    }
    for (let j = 2; j < argv.length; j++) {
      const r = add(h, argv[j], this.sparseMaxBytes);
      if (r === -1) {
        // Redis updates in place: what was added before the corruption was found stays.
        const stored = updated > 0 ? toString(h) : (cur as string);
        if (updated > 0) ctx.db.set(key, stored, true);
        ctx.db.markRaw(key, stored.length);
        throw corrupted;
      }
      updated += r;
    }
    // Redis makes every HyperLogLog it writes to a raw string, changed or not.
    if (updated === 0) {
      ctx.db.markRaw(key, (cur as string).length);
      return 0;
    }
    invalidateCache(h);
    const stored = toString(h);
    ctx.db.set(key, stored, true);
    ctx.db.markRaw(key, stored.length);
    ctx.modified(key, Notify.STRING, 'pfadd');
    return 1;
  }

  @Command('pfcount')
  pfcount(ctx: CommandContext, argv: string[]): Reply {
    const db = ctx.db;
    if (argv.length > 2) {
      // The cardinality of the union, cached nowhere.
      const max = new Uint8Array(REGISTERS);
      for (let j = 1; j < argv.length; j++) {
        const v = db.get(argv[j]);
        if (v === undefined) {
          ctx.keyMiss(argv[j]);
          continue;
        }
        if (!mergeInto(max, asHll(v))) throw corrupted;
      }
      return estimate(max);
    }
    const key = argv[1];
    const v = db.get(key);
    if (v === undefined) {
      ctx.keyMiss(key);
      return 0;
    }
    const s = asHll(v);
    // Unshared for the cache before it is looked at: a raw string even when the cache is valid.
    db.markRaw(key, s.length);
    const cached = cachedCard(s);
    if (cached !== -1) return cached;
    const max = new Uint8Array(REGISTERS);
    if (!mergeInto(max, s)) throw corrupted;
    const card = estimate(max);
    // Caching the cardinality changes the string: a write as far as WATCH and replicas go.
    const h = fromString(s);
    setCachedCard(h, card);
    const stored = toString(h);
    db.set(key, stored, true);
    db.markRaw(key, stored.length);
    ctx.modified(key);
    return card;
  }

  @Command('pfdebug')
  pfdebug(ctx: CommandContext, argv: string[]): Reply {
    return pfdebug(ctx, argv);
  }

  @Command('pfselftest')
  pfselftest(): Reply {
    return pfselftest(this.sparseMaxBytes);
  }

  @Command('pfmerge')
  pfmerge(ctx: CommandContext, argv: string[]): Reply {
    const db = ctx.db;
    const max = new Uint8Array(REGISTERS);
    let useDense = false;
    // The destination is one of the sources.
    for (let j = 1; j < argv.length; j++) {
      const v = db.get(argv[j]);
      if (v === undefined) {
        ctx.keyMiss(argv[j]);
        continue;
      }
      const s = asHll(v);
      if (s.charCodeAt(4) === DENSE) useDense = true;
      if (!mergeInto(max, s)) throw corrupted;
    }
    const key = argv[1];
    const cur = db.peek(key);
    const h = cur === undefined ? createHll() : fromString(cur as string);
    if (useDense && !sparseToDense(h)) throw corrupted;
    setRegisters(h, max, this.sparseMaxBytes);
    invalidateCache(h);
    const stored = toString(h);
    db.set(key, stored, true);
    db.markRaw(key, stored.length);
    ctx.modified(key, Notify.STRING, 'pfadd');
    return OK;
  }
}
