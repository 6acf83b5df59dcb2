import type { RegisteredCommand } from './registry';
import type { KeySpec } from './spec';

/** A key argument: its position in argv and the key spec that found it. */
export interface KeyRef {
  pos: number;
  spec: KeySpec;
}

export function isNotKey(s: KeySpec): boolean {
  return s.flags.some((f) => f.toLowerCase() === 'not_key');
}

/**
 * getKeysUsingKeySpecs from Redis 7.0: the key arguments of `argv` for `cmd` (COMMAND GETKEYS,
 * client tracking, ACL key patterns), or null when a spec cannot be applied to these
 * arguments (an unknown search, a bad key count, an incomplete spec). With `partial`
 * (GET_KEYSPEC_RETURN_PARTIAL) such a spec is skipped and the keys of the others returned.
 */
export function keyPositions(cmd: RegisteredCommand, argv: string[], partial = false): KeyRef[] | null {
  const found = specPositions(cmd, argv, partial);
  // As Redis's getKeysFromCommandWithSpecs: the command's own procedure when the specs fail.
  return found === null && cmd.def.getKeys !== undefined ? cmd.def.getKeys(argv, cmd.def.keySpecs ?? []) : found;
}

function specPositions(cmd: RegisteredCommand, argv: string[], partial: boolean): KeyRef[] | null {
  const argc = argv.length;
  const out: KeyRef[] = [];
  for (const spec of cmd.def.keySpecs ?? []) {
    if (isNotKey(spec)) continue;
    let first = 0;
    const bs = spec.begin_search;
    if ('index' in bs) {
      first = bs.index.pos;
    } else if ('keyword' in bs) {
      const { keyword, startfrom } = bs.keyword;
      const start = startfrom > 0 ? startfrom : argc + startfrom;
      const end = startfrom > 0 ? argc - 1 : 0;
      for (let i = start; i !== end; i = start <= end ? i + 1 : i - 1) {
        if (i >= argc || i < 1) break;
        if (argv[i].toLowerCase() === keyword.toLowerCase()) {
          first = i + 1;
          break;
        }
      }
      if (first === 0) continue;
    } else {
      if (partial) continue;
      return null;
    }
    let last: number;
    let step: number;
    const fk = spec.find_keys;
    if ('range' in fk) {
      step = fk.range.step;
      if (fk.range.lastkey >= 0) last = first + fk.range.lastkey;
      else if (fk.range.limit === 0) last = argc + fk.range.lastkey;
      else last = first + (Math.trunc((argc - first) / fk.range.limit) + fk.range.lastkey);
    } else if ('keynum' in fk) {
      step = fk.keynum.step;
      if (fk.keynum.keynumidx >= argc - first) {
        if (partial) continue;
        return null;
      }
      const raw = argv[first + fk.keynum.keynumidx];
      if (!/^(0|-?[1-9]\d*)$/.test(raw) || Number(raw) < 0) {
        if (partial) continue;
        return null;
      }
      first += fk.keynum.firstkey;
      last = first + Number(raw) - 1;
    } else {
      if (partial) continue;
      return null;
    }
    if (last >= argc || last < first || first >= argc) {
      if (partial) continue;
      return null;
    }
    for (let i = first; i <= last; i += step) out.push({ pos: i, spec });
    if (!partial && spec.flags.some((f) => f.toLowerCase() === 'incomplete')) return null;
  }
  return out;
}
