import { Errors, parseIntArg, REDIS_VERSION } from '../../kernel';

/**
 * LOLWUT's art: version 5 draws Georg Nees's "Schotter" (squares more and more askew down
 * the page), version 6 a skyline; any other version only the signature line, as Redis.
 */
export function lolwut(version: number, args: string[]): string {
  const sig = `Redis ver. ${REDIS_VERSION}\n`;
  const n = args.map((a) => {
    const v = parseIntArg(a);
    if (Number.isNaN(v)) throw Errors.notInteger;
    return v;
  });
  if (version === 5) return `${schotter(clamp(n[0] ?? 66, 1, 1000), clamp(n[1] ?? 1, 1, 200), clamp(n[2] ?? 12, 1, 200))}\nGeorg Nees - schotter, plotter on paper, 1968. ${sig}`;
  if (version === 6) {
    return (
      `${skyline(clamp(n[0] ?? 80, 1, 1000), clamp(n[1] ?? 20, 1, 1000))}\n` +
      `Dedicated to the 8 bit game developers of past and present.\nOriginal 8 bit image from Plaguemon by hikikomori. ${sig}`
    );
  }
  return sig;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/** Rows of squares (width in characters), each row more disordered than the last. */
function schotter(cols: number, squaresPerRow: number, rows: number): string {
  const glyphs = ['□', '◇', '◻', '⬚', '▱'];
  let out = '';
  const width = Math.max(1, Math.floor(cols / Math.max(1, squaresPerRow * 2)));
  for (let r = 0; r < rows; r++) {
    let line = '';
    for (let s = 0; s < squaresPerRow * width; s++) {
      const disorder = (r / rows) * glyphs.length;
      line += glyphs[Math.floor(Math.random() * disorder) % glyphs.length] + ' ';
    }
    out += line.trimEnd() + '\n';
  }
  return out;
}

/** A random skyline of buildings, `cols` wide and `rows` high. */
function skyline(cols: number, rows: number): string {
  const heights: number[] = [];
  while (heights.length < cols) {
    const h = 1 + Math.floor(Math.random() * rows);
    const w = 2 + Math.floor(Math.random() * 6);
    for (let i = 0; i < w && heights.length < cols; i++) heights.push(h);
  }
  let out = '';
  for (let r = rows; r >= 1; r--) out += heights.map((h) => (h >= r ? '█' : ' ')).join('').trimEnd() + '\n';
  return out;
}
