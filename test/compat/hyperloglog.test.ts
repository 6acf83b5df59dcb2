import { useCompat } from '../helpers/compat';
import { command, RawClient } from '../helpers/raw-client';

const HDR_SPARSE = 'HYLL\x01\x00\x00\x00' + '\x00'.repeat(8);
const HDR_DENSE = 'HYLL\x00\x00\x00\x00' + '\x00'.repeat(8);
const range = (prefix: string, from: number, to: number): string[] =>
  Array.from({ length: to - from }, (_, i) => `${prefix}${from + i}`);

/** mulberry32: the same pseudo-random elements for both servers. */
function rng(seed: number): () => number {
  let state = seed;
  return () => {
    let t = (state = (state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Sends `commands` pipelined in batches and returns every reply, in order. */
async function pipeline(port: number, commands: string[][], batch = 5000): Promise<string[]> {
  const c = await RawClient.connect(port);
  try {
    const out: string[] = [];
    for (let i = 0; i < commands.length; i += batch) {
      const part = commands.slice(i, i + batch);
      c.write(part.map((cmd) => command(...cmd)).join(''));
      for (let j = 0; j < part.length; j++) out.push(await c.read(30000));
    }
    return out;
  } finally {
    c.close();
  }
}

describe('hyperloglog vs redis-server 7.0', () => {
  const h = useCompat();

  /** The same commands, pipelined, to both servers: replies must be identical. */
  async function samePipelined(commands: string[][]): Promise<string[]> {
    const redis = await pipeline(h.redisPort(), commands);
    const ferrous = await pipeline(h.ferrousPort(), commands);
    const diff = commands.map((c, i) => [c, redis[i], ferrous[i]]).filter(([, r, f]) => r !== f);
    expect(diff.slice(0, 5)).toEqual([]);
    expect(ferrous).toHaveLength(commands.length);
    return ferrous;
  }

  it('PFADD driven hot (300,000 pipelined calls, random elements of every length) keeps byte-identical HLLs', async () => {
    const rand = rng(0x411);
    const cmds: string[][] = [['FLUSHALL']];
    for (let i = 0; i < 300_000; i++) {
      // redis-benchmark's __rand_int__ elements, and random binary ones of 0..24 bytes.
      let ele: string;
      if (i % 2 === 0) ele = String(Math.floor(rand() * 10_000_000)).padStart(12, '0');
      else {
        ele = '';
        const len = Math.floor(rand() * 25);
        for (let j = 0; j < len; j++) ele += String.fromCharCode(Math.floor(rand() * 256));
      }
      // One key turns dense; the others stay sparse with a few hundred elements each.
      cmds.push(['PFADD', i % 10 === 0 ? `sparse${i % 1000}` : 'hot', ele]);
    }
    for (const k of ['hot', 'sparse0', 'sparse10', 'sparse990']) cmds.push(['GET', k], ['PFCOUNT', k], ['GET', k]);
    cmds.push(['PFCOUNT', 'hot', 'sparse0', 'sparse500'], ['PFMERGE', 'm', 'sparse0', 'sparse20', 'hot'], ['GET', 'm']);
    await samePipelined(cmds);
  }, 120_000);

  it('corrupt HLL payloads driven hot through PFCOUNT, PFMERGE and PFADD answer as Redis and leave the server up', async () => {
    const rand = rng(0xbad);
    const base: string[] = [];
    const seedCmds: string[][] = [['FLUSHALL'], ['PFADD', 'sp', ...range('s', 0, 200)], ['PFADD', 'de', ...range('d', 0, 4000)]];
    await samePipelined(seedCmds);
    const c = await RawClient.connect(h.ferrousPort());
    for (const k of ['sp', 'de']) {
      const raw = await c.call('GET', k);
      base.push(raw.slice(raw.indexOf('\r\n') + 2, -2));
    }
    c.close();
    const cmds: string[][] = [];
    for (let i = 0; i < 2500; i++) {
      const src = base[i % 2];
      let bad = src;
      // Flip, truncate or extend bytes after the magic; sometimes the cached cardinality.
      const edits = 1 + Math.floor(rand() * 4);
      for (let e = 0; e < edits; e++) {
        const at = 4 + Math.floor(rand() * (bad.length - 4));
        const kind = Math.floor(rand() * 3);
        const byte = String.fromCharCode(Math.floor(rand() * 256));
        if (kind === 0) bad = bad.slice(0, at) + byte + bad.slice(at + 1);
        else if (kind === 1 && bad.length > 18) bad = bad.slice(0, at);
        else bad = bad.slice(0, at) + byte + bad.slice(at);
      }
      const key = `bad${i % 50}`;
      cmds.push(['SET', key, bad], ['PFCOUNT', key], ['PFMERGE', 'dst', key], ['PFCOUNT', key, 'sp'], ['PFADD', key, `e${i}`], ['PFCOUNT', key]);
      if (i % 100 === 0) cmds.push(['DEL', 'dst']);
    }
    cmds.push(['SET', 'huge', HDR_SPARSE.slice(0, 8) + '\xff'.repeat(7) + '\x7f' + '\x7f\xff'], ['PFCOUNT', 'huge']);
    cmds.push(['SET', 'huge2', HDR_SPARSE.slice(0, 8) + '\x01\x02\x03\x04\x05\x06\x20\x00' + '\x7f\xff'], ['PFCOUNT', 'huge2']);
    cmds.push(['PING']);
    const replies = await samePipelined(cmds);
    expect(replies[replies.length - 1]).toBe('+PONG\r\n');
  }, 120_000);

  it('PFADD builds byte-identical sparse HLLs, one element at a time and in bulk', async () => {
    const cmds: string[][] = [['PFADD', 'empty'], ['GET', 'empty'], ['PFCOUNT', 'empty'], ['GET', 'empty']];
    cmds.push(['PFADD', 'empty']);
    for (const e of range('x', 0, 120)) cmds.push(['PFADD', 'one', e]);
    cmds.push(['GET', 'one'], ['PFCOUNT', 'one'], ['GET', 'one'], ['PFADD', 'one', 'x1', 'x2'], ['PFCOUNT', 'one']);
    cmds.push(['PFADD', 'bulk', ...range('', 0, 300)], ['GET', 'bulk'], ['PFCOUNT', 'bulk'], ['STRLEN', 'bulk']);
    cmds.push(['PFADD', 'bin', '', '\x00', '\xff\xfe', 'a\r\nb', '12345678', '123456789abcdefg\x00'], ['GET', 'bin'], ['PFCOUNT', 'bin']);
    await h.same(...cmds);
  });

  it('promotion to dense past hll-sparse-max-bytes, dense adds and counts', async () => {
    await h.same(
      ['PFADD', 'big', ...range('el', 0, 3000)],
      ['GET', 'big'],
      ['PFCOUNT', 'big'],
      ['PFADD', 'big', ...range('el', 2990, 20000)],
      ['PFCOUNT', 'big'],
      ['GET', 'big'],
      ['PFADD', 'big', 'el5'],
      ['PFADD', 'mid', ...range('m', 0, 700)],
      ['STRLEN', 'mid'],
      ['GET', 'mid'],
      ['PFCOUNT', 'mid'],
    );
  });

  it('hll-sparse-max-bytes decides when to promote', async () => {
    const cmds: string[][] = [['CONFIG', 'SET', 'hll-sparse-max-bytes', '100']];
    for (const e of range('v', 0, 60)) cmds.push(['PFADD', 'k', e], ['STRLEN', 'k']);
    cmds.push(['GET', 'k'], ['PFCOUNT', 'k'], ['CONFIG', 'SET', 'hll-sparse-max-bytes', '3000']);
    cmds.push(['CONFIG', 'GET', 'hll-sparse-max-bytes']);
    await h.same(...cmds);
  });

  it('PFCOUNT of several keys and PFMERGE of sparse and dense HLLs', async () => {
    await h.same(
      ['PFADD', 's1', ...range('a', 0, 50)],
      ['PFADD', 's2', ...range('a', 25, 90)],
      ['PFADD', 'd1', ...range('b', 0, 5000)],
      ['PFCOUNT', 's1', 's2'],
      ['PFCOUNT', 's1', 's2', 'missing', 'd1'],
      ['PFCOUNT', 'missing', 'missing2'],
      ['PFMERGE', 'm1', 's1', 's2'],
      ['GET', 'm1'],
      ['PFCOUNT', 'm1'],
      ['PFMERGE', 's1', 's2'],
      ['GET', 's1'],
      ['PFMERGE', 'm2', 's1', 'd1'],
      ['GET', 'm2'],
      ['PFCOUNT', 'm2'],
      ['PFMERGE', 'm3'],
      ['GET', 'm3'],
      ['PFMERGE', 'm4', 'missing'],
      ['GET', 'm4'],
      ['PFMERGE', 'd1', 's2'],
      ['GET', 'd1'],
      ['SET', 't', 'x'],
      ['DEL', 't'],
      ['PFADD', 't', 'a'],
      ['EXPIRE', 't', '100'],
      ['PFADD', 't', 'b'],
      ['PFMERGE', 't', 's1'],
      ['PFCOUNT', 't'],
      ['TTL', 't'],
    );
  });

  it('wrong types, invalid and corrupted HLL strings', async () => {
    await h.same(
      ['SET', 'str', 'hello'],
      ['PFADD', 'str', 'a'],
      ['PFCOUNT', 'str'],
      ['PFCOUNT', 'str', 'missing'],
      ['PFMERGE', 'str', 'missing'],
      ['PFMERGE', 'x', 'str'],
      ['SET', 'num', '12345678901234567890'],
      ['PFADD', 'num', 'a'],
      ['RPUSH', 'l', 'x'],
      ['PFADD', 'l', 'a'],
      ['PFCOUNT', 'l'],
      ['PFCOUNT', 'l', 'str'],
      ['PFMERGE', 'l'],
      ['PFMERGE', 'x', 'l'],
      ['SET', 'badenc', 'HYLL\x02\x00\x00\x00' + '\x00'.repeat(10)],
      ['PFCOUNT', 'badenc'],
      ['SET', 'shortdense', HDR_DENSE + '\x00'.repeat(100)],
      ['PFADD', 'shortdense', 'a'],
      ['SET', 'short', 'HYLL\x01\x00\x00'],
      ['PFCOUNT', 'short'],
      ['SET', 'few', HDR_SPARSE + '\x7f\xfe'],
      ['PFCOUNT', 'few'],
      ['PFCOUNT', 'few', 'missing'],
      ['PFMERGE', 'x', 'few'],
      ['PFADD', 'few', 'a', 'b', 'c'],
      ['GET', 'few'],
      ['SET', 'many', HDR_SPARSE + '\x7f\xff\x80'],
      ['PFCOUNT', 'many'],
      ['PFADD', 'many', 'a'],
      ['SET', 'overrun', HDR_SPARSE + '\x7f\xfe\x83'],
      ['PFCOUNT', 'overrun'],
      ['SET', 'cached', HDR_SPARSE.slice(0, 8) + '\x2a' + '\x00'.repeat(7) + '\x7f\xff'],
      ['PFCOUNT', 'cached'],
      ['SET', 'dense', HDR_DENSE + '\xff'.repeat(12288)],
      ['PFCOUNT', 'dense'],
      ['GET', 'dense'],
      ['PFADD', 'dense', 'a'],
      ['PFADD'],
      ['PFCOUNT'],
      ['PFMERGE'],
    );
  });

  it('PFADD and PFCOUNT in MULTI and over RESP3', async () => {
    await h.same3(
      ['MULTI'],
      ['PFADD', 'k', 'a', 'b', 'c'],
      ['PFCOUNT', 'k'],
      ['PFMERGE', 'k2', 'k'],
      ['PFCOUNT', 'k', 'k2'],
      ['EXEC'],
      ['GET', 'k2'],
    );
  });
});
