import { type CommandContext, parseDouble, type TypeRegistry } from '../../kernel';

/**
 * lookupKeyByPattern: "#" is the element itself; otherwise the first '*' is replaced by the
 * element and the key read, as a string, or with "->field" as a hash field. Anything else
 * (no '*', missing key, another type) is null. C string rules apply: a NUL ends the search
 * for '*' and "->".
 */
export function lookupByPattern(ctx: CommandContext, types: TypeRegistry, pattern: string, element: string): string | null {
  if (pattern.charCodeAt(0) === 35 /* # */ && (pattern.length === 1 || pattern.charCodeAt(1) === 0)) return element;
  let end = pattern.indexOf('\0');
  if (end < 0) end = pattern.length;
  const star = pattern.indexOf('*');
  if (star < 0 || star >= end) return null;
  const arrow = pattern.indexOf('->', star + 1);
  const hasField = arrow >= 0 && arrow + 2 < end;
  const key = pattern.slice(0, star) + element + pattern.slice(star + 1, hasField ? arrow : pattern.length);
  const v = ctx.db.get(key);
  if (v === undefined) {
    ctx.keyMiss(key);
    return null;
  }
  if (!hasField) return typeof v === 'string' ? v : null;
  const field = types.of(v).field;
  return field === undefined ? null : field(v, pattern.slice(arrow + 2)) ?? null;
}

/** Smallest normal double: glibc's strtod reports ERANGE below it, and SORT refuses that. */
const MIN_NORMAL = 2.2250738585072014e-308;

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/**
 * A SORT weight as strtod reads it: leading white space skipped, the rest up to a NUL must be
 * a number; "" is 0. NaN when Redis reports "One or more scores can't be converted into double".
 */
export function sortScore(s: string): number {
  const nul = s.indexOf('\0');
  if (nul >= 0) s = s.slice(0, nul);
  if (s.length === 0) return 0;
  let i = 0;
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  if (i === s.length) return NaN;
  const v = parseDouble(i === 0 ? s : s.slice(i));
  if (v !== 0 && Math.abs(v) < MIN_NORMAL) return NaN;
  return v;
}
