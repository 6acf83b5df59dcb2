import type { KeyRef, KeySpec } from '../../kernel';

/** Options of SORT followed by arguments that are not keys, and how many. */
const SKIP = new Map([
  ['limit', 2],
  ['get', 1],
  ['by', 1],
]);

/**
 * sortGetKeys: the sorted key, and the last STORE's destination. Options are skipped as SORT
 * reads them, so `LIMIT 0 STORE d` has no destination (STORE is LIMIT's count); a STORE that
 * ends the command has none either. The keys take the flags of SORT's first and STORE specs.
 */
export function sortKeys(argv: string[], specs: KeySpec[]): KeyRef[] {
  const keys: KeyRef[] = [{ pos: 1, spec: specs[0] }];
  let store = -1;
  for (let i = 2; i < argv.length; i++) {
    const opt = argv[i].toLowerCase();
    const skip = SKIP.get(opt);
    if (skip !== undefined) i += skip;
    else if (opt === 'store' && i + 1 < argv.length) store = i + 1;
  }
  if (store !== -1) keys.push({ pos: store, spec: specs[2] });
  return keys;
}

/** sortROGetKeys: SORT_RO reads one key. */
export function sortRoKeys(_argv: string[], specs: KeySpec[]): KeyRef[] {
  return [{ pos: 1, spec: specs[0] }];
}
