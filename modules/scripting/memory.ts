/**
 * INFO memory's Lua figures, estimated: fengari's interpreter lives on V8's heap with no
 * allocator count of its own (its `collectgarbage('count')` is not a byte count), so the
 * figures are built from costs measured once with `node --expose-gc` (heap after a full
 * collection): a fresh interpreter with Redis's libraries opened, and compiled chunks, whose
 * prototypes, instructions and constants cost about 50 bytes a byte of source in fengari
 * over a fixed cost of a few KB.
 */

/** A fresh interpreter with the libraries opened (measured: 126 KB). */
export const VM_STATE_BYTES = 128 * 1024;

/** A compiled chunk of `source` bytes (measured: 5 to 10 KB for a line, 560 KB for 10 KB of source). */
export function compiledBytes(source: number): number {
  return 5 * 1024 + 50 * source;
}

/**
 * What the cache keeps per script besides the compiled function, as Redis counts its
 * `lua_scripts` dict (the body, the SHA1 key, the dict entry and objects).
 */
export function scriptBytes(body: number): number {
  return body + 40 + 72;
}

/** Redis's functionsMemory: the empty dicts, then per library its code and name, per function its name and record. */
export const FUNCTIONS_BASE_BYTES = 200;
export function libraryBytes(code: number, name: number): number {
  return code + name + 64;
}
export function functionBytes(name: number): number {
  return name + 96;
}
