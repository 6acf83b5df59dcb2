/** Random float texts for INCRBYFLOAT tests, from a seeded generator (runs repeat exactly). */

/** A linear congruential generator: numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 4294967296;
  };
}

/** Random float texts of every shape strtold reads: decimal, exponents at both ends, hex, signs, zeros. */
export function randomFloat(rand: () => number): string {
  const int = (n: number): number => Math.floor(rand() * n);
  const digits = (n: number): string => Array.from({ length: n }, () => String(int(10))).join('');
  const sign = ['', '', '-', '+'][int(4)];
  switch (int(8)) {
    case 0:
      return `${sign}${digits(1 + int(6))}.${digits(int(4))}`;
    case 1:
      return `${sign}${digits(1 + int(20))}e${int(2) === 0 ? '-' : ''}${int(4960)}`;
    case 2:
      return `${sign}0.${digits(1 + int(40))}`;
    case 3:
      return `${sign}${digits(1 + int(3))}.${digits(int(25))}e${int(700) - 350}`;
    case 4:
      return `${sign}0x${int(0xffffff).toString(16)}.${int(0xfff).toString(16)}p${int(33000) - 16500}`;
    case 5:
      return `${sign}${['0', '0.0', '.0', '0e10', '1e308', '1.7976931348623157e308', '4.9e-324', '1e-4950', '1e4932', '10.5', '0.1'][int(11)]}`;
    case 6:
      return String((rand() - 0.5) * 10 ** (int(40) - 20));
    default:
      return `${sign}${digits(1 + int(300))}${int(2) === 0 ? '' : `.${digits(int(300))}`}`;
  }
}

