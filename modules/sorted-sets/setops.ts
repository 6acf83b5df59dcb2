import { type CommandContext, Errors, parseDouble, parseInt64, parseIntArg, type Reply, ReplyError, type TypeRegistry } from '../../kernel';
import { allMembers, pickedReply, storeResult } from './range';
import { type Limits, ZSet } from './zset';

const weightNotFloat = new ReplyError('ERR weight value is not a float');
const limitNegative = new ReplyError("ERR LIMIT can't be negative");

export const enum Op {
  Union,
  Inter,
  Diff,
}

const enum Agg {
  Sum,
  Min,
  Max,
}

/** Results are built as a skiplist, as Redis builds them (a -0 score stays -0 in the reply). */
const SKIPLIST: Limits = { maxEntries: 0, maxValue: 0 };
const STORE_EVENTS = ['zunionstore', 'zinterstore', 'zdiffstore'];

/** One input: a sorted set, or a plain set whose members all score 1. */
class Source {
  weight = 1;
  private lookup: Set<string> | null = null;

  constructor(
    readonly z: ZSet | null,
    readonly members: string[] | null,
  ) {}

  get size(): number {
    return this.z !== null ? this.z.size : this.members !== null ? this.members.length : 0;
  }

  /** The member's unweighted score, or undefined when absent. */
  score(ele: string): number | undefined {
    if (this.z !== null) return this.z.score(ele);
    if (this.members === null) return undefined;
    this.lookup ??= new Set(this.members);
    return this.lookup.has(ele) ? 1 : undefined;
  }

  /** Members with their unweighted scores, in the input's order. */
  entries(): [string[], number[] | null] {
    if (this.members !== null) return [this.members, null];
    if (this.z === null) return [[], []];
    const { eles, scores } = allMembers(this.z);
    return [eles, scores];
  }
}

function aggregate(target: number, value: number, agg: Agg): number {
  if (agg === Agg.Sum) {
    const r = target + value;
    return Number.isNaN(r) ? 0 : r;
  }
  if (agg === Agg.Min) return value < target ? value : target;
  return value > target ? value : target;
}

/** zunionInterDiffGenericCommand: ZUNION/ZINTER/ZDIFF, their STORE forms and ZINTERCARD. */
export function zsetOp(
  ctx: CommandContext,
  argv: string[],
  types: TypeRegistry,
  limits: Limits,
  op: Op,
  dst: string | null,
  cardOnly: boolean,
): Reply {
  const numkeysIdx = dst === null ? 1 : 2;
  const setnum = parseIntArg(argv[numkeysIdx]);
  if (Number.isNaN(setnum)) throw Errors.notInteger;
  if (setnum < 1) throw new ReplyError(`ERR at least 1 input key is needed for '${argv[0].toLowerCase()}' command`);
  if (setnum > argv.length - numkeysIdx - 1) throw Errors.syntax;
  const db = ctx.db;
  const src: Source[] = [];
  let j = numkeysIdx + 1;
  for (let i = 0; i < setnum; i++, j++) {
    const key = argv[j];
    const v = dst === null ? db.get(key) : db.peek(key);
    if (v === undefined) {
      if (dst === null) ctx.keyMiss(key);
      src.push(new Source(null, null));
    } else if (v instanceof ZSet) {
      src.push(new Source(v, null));
    } else {
      const t = types.of(v);
      if (t.name !== 'set' || t.elements === undefined) throw Errors.wrongType;
      src.push(new Source(null, t.elements(v)));
    }
  }
  let agg = Agg.Sum;
  let withScores = false;
  let limit = 0;
  while (j < argv.length) {
    const o = argv[j].toLowerCase();
    const remaining = argv.length - j;
    if (op !== Op.Diff && !cardOnly && remaining >= setnum + 1 && o === 'weights') {
      j++;
      for (let i = 0; i < setnum; i++, j++) {
        const w = parseDouble(argv[j]);
        if (Number.isNaN(w)) throw weightNotFloat;
        src[i].weight = w;
      }
    } else if (op !== Op.Diff && !cardOnly && remaining >= 2 && o === 'aggregate') {
      const a = argv[j + 1].toLowerCase();
      if (a === 'sum') agg = Agg.Sum;
      else if (a === 'min') agg = Agg.Min;
      else if (a === 'max') agg = Agg.Max;
      else throw Errors.syntax;
      j += 2;
    } else if (dst === null && !cardOnly && o === 'withscores') {
      withScores = true;
      j++;
    } else if (cardOnly && remaining >= 2 && o === 'limit') {
      const l = parseInt64(argv[j + 1]);
      if (l === null || Number(l) < 0) throw limitNegative;
      limit = Number(l);
      j += 2;
    } else {
      throw Errors.syntax;
    }
  }
  // Smallest first (a stable sort, like glibc's qsort): intersections probe the others.
  if (op !== Op.Diff) src.sort((a, b) => a.size - b.size);
  if (cardOnly) return interCard(src, limit);
  const out = new ZSet();
  if (op === Op.Inter) inter(src, agg, out, SKIPLIST);
  else if (op === Op.Union) union(src, agg, out, SKIPLIST);
  else diff(src, out, SKIPLIST);
  if (dst !== null) {
    out.compact(limits);
    return storeResult(ctx, dst, out, STORE_EVENTS[op]);
  }
  return pickedReply(allMembers(out), withScores, ctx.resp);
}

function interCard(src: Source[], limit: number): number {
  if (src[0].size === 0) return 0;
  const [eles] = src[0].entries();
  let card = 0;
  for (const ele of eles) {
    let k = 1;
    while (k < src.length && src[k].score(ele) !== undefined) k++;
    if (k === src.length && ++card === limit) break;
  }
  return card;
}

function inter(src: Source[], agg: Agg, out: ZSet, limits: Limits): void {
  if (src[0].size === 0) return;
  const [eles, scores] = src[0].entries();
  const w0 = src[0].weight;
  for (let i = 0; i < eles.length; i++) {
    let score = w0 * (scores === null ? 1 : scores[i]);
    if (Number.isNaN(score)) score = 0;
    let k = 1;
    for (; k < src.length; k++) {
      const s = src[k].score(eles[i]);
      if (s === undefined) break;
      score = aggregate(score, s * src[k].weight, agg);
    }
    if (k === src.length) out.insert(score, eles[i], limits);
  }
}

function union(src: Source[], agg: Agg, out: ZSet, limits: Limits): void {
  const acc = new Map<string, number>();
  for (const s of src) {
    if (s.size === 0) continue;
    const [eles, scores] = s.entries();
    for (let i = 0; i < eles.length; i++) {
      let score = s.weight * (scores === null ? 1 : scores[i]);
      if (Number.isNaN(score)) score = 0;
      const cur = acc.get(eles[i]);
      acc.set(eles[i], cur === undefined ? score : aggregate(cur, score, agg));
    }
  }
  for (const [ele, score] of acc) out.insert(score, ele, limits);
}

function diff(src: Source[], out: ZSet, limits: Limits): void {
  if (src[0].size === 0) return;
  const [eles, scores] = src[0].entries();
  for (let i = 0; i < eles.length; i++) {
    let k = 1;
    while (k < src.length && src[k].score(eles[i]) === undefined) k++;
    if (k === src.length) out.insert(scores === null ? 1 : scores[i], eles[i], limits);
  }
}
