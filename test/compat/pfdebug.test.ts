import { useCompat } from '../helpers/compat';

const range = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('PFDEBUG and PFSELFTEST vs redis-server 7.0', () => {
  const h = useCompat();

  it('ENCODING, DECODE, GETREG and TODENSE on sparse and dense HLLs', async () => {
    await h.same(
      ['PFADD', 'sp', 'a', 'b', 'c', ...range('x', 40)],
      ['PFDEBUG', 'ENCODING', 'sp'],
      ['PFDEBUG', 'decode', 'sp'],
      ['PFADD', 'empty'],
      ['PFDEBUG', 'DECODE', 'empty'],
      ['PFDEBUG', 'GETREG', 'sp'],
      ['PFDEBUG', 'ENCODING', 'sp'],
      ['GET', 'sp'],
      ['PFDEBUG', 'DECODE', 'sp'],
      ['PFADD', 'sp2', 'a'],
      ['PFDEBUG', 'TODENSE', 'sp2'],
      ['PFDEBUG', 'TODENSE', 'sp2'],
      ['PFDEBUG', 'Encoding', 'sp2'],
      ['PFCOUNT', 'sp2'],
      ['PFADD', 'big', ...range('el', 3000)],
      ['PFDEBUG', 'ENCODING', 'big'],
      ['PFDEBUG', 'GETREG', 'big'],
    );
  });

  it('errors: missing key, wrong type, invalid HLL, unknown subcommand, arity; in Redis order', async () => {
    await h.same(
      ['PFDEBUG', 'ENCODING', 'nokey'],
      ['PFDEBUG', 'nosuch', 'nokey'],
      ['SET', 's', 'not an hll'],
      ['PFDEBUG', 'ENCODING', 's'],
      ['LPUSH', 'l', 'x'],
      ['PFDEBUG', 'ENCODING', 'l'],
      ['PFADD', 'h', 'a'],
      ['PFDEBUG', 'nosuch', 'h'],
      ['PFDEBUG', 'nosuch', 'h', 'extra'],
      ['PFDEBUG', 'GETREG', 'h', 'extra'],
      ['PFDEBUG', 'encoding', 'h', 'extra'],
      ['PFDEBUG', 'ENCODING'],
      ['PFDEBUG'],
      ['SET', 'bad', 'HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f'],
      ['PFDEBUG', 'DECODE', 'bad'],
      ['PFDEBUG', 'TODENSE', 'bad'],
      ['PFDEBUG', 'GETREG', 'bad'],
      ['GET', 'bad'],
    );
  });

  it('PFSELFTEST passes, and takes no arguments', async () => {
    await h.same(['PFSELFTEST'], ['PFSELFTEST', 'x'], ['PING']);
  }, 60000);
});
