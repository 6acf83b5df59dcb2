import type { Reply } from '../../kernel';
import type { Hash } from './hash';

/** One field (and its value) in HRANDFIELD's reply: RESP3 nests each pair in an array of two. */
function push(out: Reply[], field: string, value: string, withValues: boolean, resp3: boolean): void {
  if (!withValues) out.push(field);
  else if (resp3) out.push([field, value]);
  else out.push(field, value);
}

/** A uniformly random field of a non-empty hash. */
export function randomField(h: Hash): string {
  if (h.table !== null) return h.table.randomKey()!;
  const fields = h.column(0);
  return fields[Math.floor(Math.random() * fields.length)];
}

/**
 * hrandfieldWithCountCommand for a non-empty hash and count > 0. `unique` false: `count` picks
 * that may repeat. Otherwise at most `count` distinct fields: the whole hash in its own order
 * when it is not larger, else a random subset.
 */
export function randomFields(h: Hash, count: number, unique: boolean, withValues: boolean, resp3: boolean): Reply[] {
  const out: Reply[] = [];
  const size = h.size;
  if (!unique || count === 1) {
    if (h.table === null) {
      // Index the listpack once instead of walking it per pick.
      const flat = h.flat();
      for (let i = 0; i < count; i++) {
        const k = 2 * Math.floor(Math.random() * size);
        push(out, flat[k], flat[k + 1], withValues, resp3);
      }
    } else {
      for (let i = 0; i < count; i++) {
        const f = h.table!.randomKey()!;
        push(out, f, h.table!.get(f)!, withValues, resp3);
      }
    }
    return out;
  }
  const flat = count >= size || h.table === null || count * 3 > size ? h.flat() : [];
  if (count >= size) {
    for (let i = 0; i < flat.length; i += 2) push(out, flat[i], flat[i + 1], withValues, resp3);
    return out;
  }
  if (h.table !== null && count * 3 <= size) {
    // Few picks out of many: sample until enough distinct fields (Redis's CASE 4).
    const picked = new Set<string>();
    while (picked.size < count) picked.add(h.table.randomKey()!);
    for (const f of picked) push(out, f, h.table.get(f)!, withValues, resp3);
    return out;
  }
  // Selection sampling: each field kept with probability needed/left, in the hash's order.
  let needed = count;
  let left = size;
  for (let i = 0; i < flat.length; i += 2) {
    if (Math.random() * left < needed) {
      push(out, flat[i], flat[i + 1], withValues, resp3);
      if (--needed === 0) break;
    }
    left--;
  }
  return out;
}
