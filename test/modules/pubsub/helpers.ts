/** One CLIENT LIST line's fields. */
export function clientFields(line: string): Record<string, string> {
  return Object.fromEntries(line.split(' ').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
}
