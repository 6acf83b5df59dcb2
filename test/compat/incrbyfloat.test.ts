import { useCompat } from '../helpers/compat';
import { RawClient, command } from '../helpers/raw-client';
import { randomFloat, seededRandom } from '../helpers/random-floats';

/**
 * INCRBYFLOAT and HINCRBYFLOAT against redis-server 7.0 on thousands of random operands:
 * Redis adds in an 80-bit long double and prints with %.17Lf, which Ferrous emulates without
 * BigInt; every reply, errors included, must be byte-identical.
 */
const PAIRS = 3000;

/** Send every command in one pipeline and read as many replies. */
async function pipeline(port: number, commands: string[][]): Promise<string[]> {
  const c = await RawClient.connect(port);
  try {
    await c.call('FLUSHALL');
    c.write(commands.map((cmd) => command(...cmd)).join(''));
    const out: string[] = [];
    for (let i = 0; i < commands.length; i++) out.push(await c.read(30_000));
    return out;
  } finally {
    c.close();
  }
}

/** The rows where Ferrous answered differently, with what was asked. */
function differences(commands: string[][], redis: string[], ferrous: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < commands.length && out.length < 20; i++) {
    if (redis[i] !== ferrous[i]) out.push(`${commands[i].map((a) => a.slice(0, 60)).join(' ')}: redis ${JSON.stringify(redis[i])} ferrous ${JSON.stringify(ferrous[i])}`);
  }
  return out;
}

describe('INCRBYFLOAT / HINCRBYFLOAT vs redis-server 7.0 on random operands', () => {
  const h = useCompat();

  it(`gives the same ${PAIRS} results and errors as Redis, on strings and hash fields`, async () => {
    const rand = seededRandom(0xf1f0);
    const commands: string[][] = [];
    for (let i = 0; i < PAIRS; i++) {
      const a = randomFloat(rand);
      const b = randomFloat(rand);
      commands.push(['SET', `k${i}`, a], ['INCRBYFLOAT', `k${i}`, b], ['HSET', 'h', `f${i}`, a], ['HINCRBYFLOAT', 'h', `f${i}`, b]);
    }
    const redis = await pipeline(h.redisPort(), commands);
    const ferrous = await pipeline(h.ferrousPort(), commands);
    expect(differences(commands, redis, ferrous)).toEqual([]);
  }, 120_000);

  it('repeats increments that accumulate rounding, cancel, overflow and underflow as Redis does', async () => {
    const commands: string[][] = [];
    for (let i = 0; i < 200; i++) commands.push(['INCRBYFLOAT', 'tenths', '0.1'], ['HINCRBYFLOAT', 'h', 'tenths', '0.1']);
    for (let i = 0; i < 50; i++) commands.push(['INCRBYFLOAT', 'third', '0.333333333333333333333'], ['INCRBYFLOAT', 'big', '1e308']);
    commands.push(
      ['SET', 'x', '10.5'],
      ['INCRBYFLOAT', 'x', '0.1'],
      ['INCRBYFLOAT', 'x', '-10.6'],
      ['INCRBYFLOAT', 'x', '-0'],
      ['SET', 'z', '-0'],
      ['INCRBYFLOAT', 'z', '-0.0'],
      ['INCRBYFLOAT', 'z', '1e-4950'],
      ['INCRBYFLOAT', 'z', '-2e-4950'],
      ['SET', 'm', '1.18973149535723176502e4932'],
      ['INCRBYFLOAT', 'm', '1.18973149535723176502e4932'],
      ['INCRBYFLOAT', 'm', '-1e4932'],
      ['INCRBYFLOAT', 'm', 'inf'],
      ['INCRBYFLOAT', 'm', '-inf'],
      ['INCRBYFLOAT', 'm', 'nan'],
      ['INCRBYFLOAT', 'm', '1e5000'],
      ['INCRBYFLOAT', 'm', '0x1p16384'],
      ['INCRBYFLOAT', 'm', '0x1.fffffffffffffffep16383'],
      ['SET', 's', 'not a number'],
      ['INCRBYFLOAT', 's', '1'],
      ['HSET', 'h', 's', '1 '],
      ['HINCRBYFLOAT', 'h', 's', '1'],
      ['HINCRBYFLOAT', 'h', 'new', 'inf'],
      ['HINCRBYFLOAT', 'h', 'new', '1e4932'],
      ['HINCRBYFLOAT', 'h', 'new', '1e4932'],
      ['HGET', 'h', 'new'],
    );
    const redis = await pipeline(h.redisPort(), commands);
    const ferrous = await pipeline(h.ferrousPort(), commands);
    expect(differences(commands, redis, ferrous)).toEqual([]);
  }, 60_000);

  it('the edge values of issue 17: long double sums and their errors, int64 past 2^53, cursors and IDs at 2^64', async () => {
    const commands: string[][] = [
      ['SET', 'a', '0.1'],
      ['INCRBYFLOAT', 'a', '0.2'],
      ['HSET', 'h', 'a', '0.1'],
      ['HINCRBYFLOAT', 'h', 'a', '0.2'],
    ];
    for (const v of ['17.5e300', '1e-320', '5.0e3', '-17.5e300', '4.9e-324', '1.7976931348623157e308', '1e4932', '1.2e4932', '1e-4940', '3.4e-4951']) {
      commands.push(['INCRBYFLOAT', `f${v}`, v], ['INCRBYFLOAT', `f${v}`, v], ['HINCRBYFLOAT', 'h', v, v], ['HINCRBYFLOAT', 'h', v, v]);
    }
    for (const huge of ['1e4933', '-1e4933', '1e99999', '1e-99999', '0x1p16384', '1.5e+4932']) commands.push(['INCRBYFLOAT', 'e', huge], ['HINCRBYFLOAT', 'h', 'e', huge]);
    const ints = ['9007199254740991', '9007199254740992', '9007199254740993', '-9007199254740991', '-9007199254740992', '-9007199254740993', '9223372036854775807', '-9223372036854775808', '9223372036854775806', '-9223372036854775807'];
    for (const base of ints) {
      commands.push(['SET', 'i', base], ['INCR', 'i'], ['DECR', 'i'], ['DECR', 'i'], ['INCRBY', 'i', base], ['DECRBY', 'i', base], ['GET', 'i']);
      commands.push(['HSET', 'hi', 'f', base], ['HINCRBY', 'hi', 'f', '1'], ['HINCRBY', 'hi', 'f', '-2'], ['HINCRBY', 'hi', 'f', base], ['HGET', 'hi', 'f']);
      commands.push(['INCRBYFLOAT', 'i', '1'], ['SETRANGE', 'r', base, 'x'], ['GETRANGE', 'i', base, '-1'], ['LRANGE', 'nolist', '0', base]);
    }
    for (const bad of ['9223372036854775808', '-9223372036854775809', '18446744073709551616', '9007199254740993.0', '+1', '01']) commands.push(['INCRBY', 'i', bad], ['HINCRBY', 'hi', 'f', bad]);
    // A cursor into a table depends on its layout: compared where the reply does not (a missing key, refused cursors).
    for (const cursor of ['9007199254740993', '18446744073709551615', '18446744073709551616', '-1', '-18446744073709551616', '1e3']) commands.push(['SSCAN', 'nos', cursor], ['ZSCAN', 'noz', cursor, 'COUNT', cursor]);
    for (const cursor of ['18446744073709551616', '99999999999999999999', '1e3', '0x10']) commands.push(['SCAN', cursor], ['HSCAN', 'h', cursor]);
    commands.push(
      ['XADD', 'x', '18446744073709551615-18446744073709551614', 'f', 'v'],
      ['XADD', 'x', '18446744073709551615-18446744073709551615', 'f', 'v'],
      ['XADD', 'x', '*', 'f', 'v'],
      ['XRANGE', 'x', '9007199254740993', '+'],
      ['XADD', 'y', '9007199254740993-9007199254740993', 'f', 'v'],
      ['XRANGE', 'y', '-', '+'],
      ['ZADD', 'z', '9007199254740993', 'm'],
      ['ZSCORE', 'z', 'm'],
      ['ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', '0', '9223372036854775807'],
    );
    const redis = await pipeline(h.redisPort(), commands);
    const ferrous = await pipeline(h.ferrousPort(), commands);
    expect(differences(commands, redis, ferrous)).toEqual([]);
  });
});
