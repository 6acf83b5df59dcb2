import type { NotifyClass } from '../../kernel';

/** Redis's NOTIFY_* bits. */
const K = 1 << 0;
const E = 1 << 1;
const KEY_MISS = 1 << 11;
const NEW = 1 << 14;

/** Event classes in the order keyspaceEventsFlagsToString prints them. */
const CLASSES: ReadonlyArray<[string, number]> = [
  ['g', 1 << 2],
  ['$', 1 << 3],
  ['l', 1 << 4],
  ['s', 1 << 5],
  ['h', 1 << 6],
  ['z', 1 << 7],
  ['x', 1 << 8],
  ['e', 1 << 9],
  ['t', 1 << 10],
  ['d', 1 << 13],
  ['n', NEW],
];
/** `A`: every class but `m` (key miss) and `n` (new key). */
const ALL = CLASSES.reduce((a, [ch, bit]) => (bit === NEW ? a : a | bit), 0);

/** Bit by character, for parsing config values and for each event's class. */
const BITS = new Map<string, number>([...CLASSES, ['K', K], ['E', E], ['m', KEY_MISS], ['A', ALL]]);

/** A kernel event's class as a bit (0 for a class Redis does not know). */
export function classBit(cls: NotifyClass): number {
  return BITS.get(cls) ?? 0;
}

export const KEYSPACE = K;
export const KEYEVENT = E;
export const NEW_KEY = NEW;

/** keyspaceEventsStringToFlags: -1 for an unknown character (case matters). */
export function eventFlags(s: string): number {
  let flags = 0;
  for (const ch of s) {
    const bit = BITS.get(ch);
    if (bit === undefined) return -1;
    flags |= bit;
  }
  return flags;
}

/** keyspaceEventsFlagsToString: CONFIG GET's canonical form ("AKE" for "KEA"). */
export function eventFlagsString(flags: number): string {
  let s = '';
  if ((flags & ALL) === ALL) s = 'A';
  else for (const [ch, bit] of CLASSES) if (flags & bit) s += ch;
  if (flags & K) s += 'K';
  if (flags & E) s += 'E';
  if (flags & KEY_MISS) s += 'm';
  return s;
}

/** The `notify-keyspace-events` parser: stores the canonical form. */
export function parseNotifyConfig(raw: string): string | { error: string } {
  const flags = eventFlags(raw);
  if (flags < 0) return { error: "Invalid event class character. Use 'Ag$lshzxeKEtmdn'." };
  return eventFlagsString(flags);
}
