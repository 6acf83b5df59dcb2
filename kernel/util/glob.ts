/** Redis's stringmatchlen: glob matching on binary strings (*, ?, [a-z], [^x], \escapes). */
export function globMatch(pattern: string, str: string, nocase = false): boolean {
  skipLonger = false;
  return match(pattern, 0, str, 0, nocase, 0);
}

/** Once a '*' failed at every offset, a longer match cannot succeed (Redis's skipLongerMatches). */
let skipLonger = false;

function eq(a: number, b: number, nocase: boolean): boolean {
  if (a === b) return true;
  if (!nocase) return false;
  return lower(a) === lower(b);
}

function signed(c: number): number {
  return c > 127 ? c - 256 : c;
}

function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

function match(p: string, pi: number, s: string, si: number, nocase: boolean, depth: number): boolean {
  // Redis caps recursion to stop patterns like "*a*a*a*..." from exhausting the stack.
  if (depth > 1000) return false;
  const plen = p.length;
  const slen = s.length;
  while (pi < plen && si < slen) {
    const pc = p.charCodeAt(pi);
    if (pc === 42 /* * */) {
      while (pi + 1 < plen && p.charCodeAt(pi + 1) === 42) pi++;
      if (pi + 1 === plen) return true;
      for (let k = si; k < slen; k++) {
        if (match(p, pi + 1, s, k, nocase, depth + 1)) return true;
        if (skipLonger) return false;
      }
      skipLonger = true;
      return false;
    } else if (pc === 63 /* ? */) {
      si++;
    } else if (pc === 91 /* [ */) {
      pi++;
      const not = p.charCodeAt(pi) === 94; /* ^ */
      if (not) pi++;
      let matched = false;
      for (;;) {
        const c = p.charCodeAt(pi);
        if (c === 92 /* \ */ && pi + 1 < plen) {
          pi++;
          if (p.charCodeAt(pi) === s.charCodeAt(si)) matched = true;
        } else if (c === 93 /* ] */) {
          break;
        } else if (pi >= plen) {
          pi--;
          break;
        } else if (pi + 2 < plen && p.charCodeAt(pi + 1) === 45 /* - */) {
          // Redis compares C chars, which are signed: bytes >= 0x80 sort below 0.
          let start = signed(c);
          let end = signed(p.charCodeAt(pi + 2));
          let ch = signed(s.charCodeAt(si));
          if (start > end) {
            const t = start;
            start = end;
            end = t;
          }
          if (nocase) {
            start = lower(start);
            end = lower(end);
            ch = lower(ch);
          }
          pi += 2;
          if (ch >= start && ch <= end) matched = true;
        } else if (eq(c, s.charCodeAt(si), nocase)) {
          matched = true;
        }
        pi++;
      }
      if (not) matched = !matched;
      if (!matched) return false;
      si++;
    } else if (pc === 92 /* \ */ && pi + 1 < plen) {
      pi++;
      if (!eq(p.charCodeAt(pi), s.charCodeAt(si), nocase)) return false;
      si++;
    } else {
      if (!eq(pc, s.charCodeAt(si), nocase)) return false;
      si++;
    }
    pi++;
    if (si === slen) {
      while (pi < plen && p.charCodeAt(pi) === 42) pi++;
      break;
    }
  }
  return pi === plen && si === slen;
}
