import type { RegisteredCommand } from '../../kernel';

/** Scripts that only read: Redis tracks the commands they run, not the script's own keys. */
const SCRIPTS = new Set(['eval_ro', 'evalsha_ro', 'fcall_ro']);

/**
 * The keys a read-only command read, from its key specs (Redis's getKeysFromCommand as
 * trackingRememberKeys uses it). Arguments a spec cannot locate are skipped.
 */
export function readKeys(cmd: RegisteredCommand, argv: string[]): string[] {
  const specs = cmd.def.keySpecs;
  if (specs === undefined || specs.length === 0 || SCRIPTS.has(cmd.name)) return [];
  const argc = argv.length;
  const keys: string[] = [];
  for (const spec of specs) {
    if (spec.flags.includes('NOT_KEY')) continue;
    let first = 0;
    const bs = spec.begin_search;
    if ('index' in bs) {
      first = bs.index.pos;
    } else if ('keyword' in bs) {
      const { keyword, startfrom } = bs.keyword;
      const kw = keyword.toLowerCase();
      const step = startfrom > 0 ? 1 : -1;
      for (let i = startfrom > 0 ? startfrom : argc + startfrom; i >= 1 && i < argc; i += step) {
        if (argv[i].toLowerCase() === kw) {
          first = i + 1;
          break;
        }
      }
      if (first === 0) continue;
    } else {
      continue;
    }
    let last: number;
    let step: number;
    const fk = spec.find_keys;
    if ('range' in fk) {
      const { lastkey, limit } = fk.range;
      step = fk.range.step;
      if (lastkey >= 0) last = first + lastkey;
      else if (limit === 0) last = argc + lastkey;
      else last = first + Math.trunc((argc - first) / limit) + lastkey;
    } else if ('keynum' in fk) {
      step = fk.keynum.step;
      const n = Number(argv[first + fk.keynum.keynumidx]);
      if (!Number.isInteger(n) || n < 0) continue;
      first += fk.keynum.firstkey;
      last = first + n - 1;
    } else {
      continue;
    }
    for (let i = first; i <= last && i < argc; i += step) keys.push(argv[i]);
  }
  return keys;
}
