import Redis from 'ioredis';
import { Messaging } from '../../../kernel';
import { RawClient } from '../../helpers/raw-client';
import { useServer, waitFor } from '../../helpers/fixtures';
import { clientFields } from './helpers';

describe('pubsub: channels, patterns, shard channels', () => {
  const f = useServer();
  let pub: Redis;
  const ioredis = (): Redis => f.ioredis({ maxRetriesPerRequest: 1 });

  beforeAll(() => {
    pub = ioredis();
  });

  it('ioredis: message events, PUBLISH counts receivers', async () => {
    const sub = ioredis();
    const got: string[] = [];
    sub.on('message', (ch: string, msg: string) => got.push(`${ch}:${msg}`));
    expect(await sub.subscribe('io.a', 'io.b')).toBe(2);
    expect(await pub.publish('io.a', 'one')).toBe(1);
    expect(await pub.publish('io.b', 'two')).toBe(1);
    expect(await pub.publish('io.none', 'x')).toBe(0);
    await waitFor(() => got.length === 2, 'two messages');
    expect(got).toEqual(['io.a:one', 'io.b:two']);
    await sub.unsubscribe('io.a');
    expect(await pub.publish('io.a', 'gone')).toBe(0);
  });

  it('a message matching several patterns arrives once per pattern, plus once for the channel', async () => {
    const sub = ioredis();
    const got: string[] = [];
    sub.on('pmessage', (pattern: string, ch: string, msg: string) => got.push(`${pattern}|${ch}|${msg}`));
    sub.on('message', (ch: string, msg: string) => got.push(`-|${ch}|${msg}`));
    await sub.psubscribe('multi.*', 'multi.?', '*.x', 'nomatch.*');
    await sub.subscribe('multi.x');
    expect(await pub.publish('multi.x', 'm')).toBe(4);
    await waitFor(() => got.length === 4, 'four deliveries');
    expect(got.sort()).toEqual(['*.x|multi.x|m', '-|multi.x|m', 'multi.*|multi.x|m', 'multi.?|multi.x|m']);
    expect(await pub.pubsub('NUMPAT')).toBeGreaterThanOrEqual(4);
  });

  it('ioredis: SSUBSCRIBE / SPUBLISH and smessage; shard and global channels are apart', async () => {
    const sub = ioredis();
    const got: string[] = [];
    sub.on('smessage', (ch: string, msg: string) => got.push(`${ch}:${msg}`));
    sub.on('message', (ch: string, msg: string) => got.push(`global ${ch}:${msg}`));
    await sub.ssubscribe('shard.a');
    expect(await pub.spublish('shard.a', 'hello')).toBe(1);
    expect(await pub.publish('shard.a', 'not for shard subscribers')).toBe(0);
    await waitFor(() => got.length === 1, 'one smessage');
    expect(got).toEqual(['shard.a:hello']);
    expect(await pub.call('PUBSUB', 'SHARDNUMSUB', 'shard.a', 'shard.b')).toEqual(['shard.a', 1, 'shard.b', 0]);
    expect(await pub.call('PUBSUB', 'SHARDCHANNELS', 'shard.*')).toEqual(['shard.a']);
  });

  it('node-redis RESP3: subscribe, pSubscribe, sSubscribe listeners and commands while subscribed', async () => {
    const client = await f.nodeRedis({ RESP: 3 });
    const got: string[] = [];
    await client.subscribe('nr.chan', (msg, ch) => got.push(`message ${ch} ${msg}`));
    await client.pSubscribe('nr.p*', (msg, ch) => got.push(`pmessage ${ch} ${msg}`));
    await client.sSubscribe('nr.shard', (msg, ch) => got.push(`smessage ${ch} ${msg}`));
    // RESP3 needs no second connection: regular commands work while subscribed.
    await client.set('nr.key', 'v');
    expect(await client.get('nr.key')).toBe('v');
    expect(await pub.publish('nr.chan', 'a')).toBe(1);
    expect(await pub.publish('nr.pq', 'b')).toBe(1);
    expect(await pub.spublish('nr.shard', 'c')).toBe(1);
    await waitFor(() => got.length === 3, 'three messages');
    expect(got).toEqual(['message nr.chan a', 'pmessage nr.pq b', 'smessage nr.shard c']);
    await client.unsubscribe('nr.chan');
    await client.pUnsubscribe('nr.p*');
    await client.sUnsubscribe('nr.shard');
    expect(await pub.call('PUBSUB', 'NUMSUB', 'nr.chan')).toEqual(['nr.chan', 0]);
  });

  it('node-redis RESP2: a subscriber connection receives messages', async () => {
    const client = await f.nodeRedis();
    const got: string[] = [];
    await client.subscribe('nr2.chan', (msg) => got.push(msg));
    expect(await pub.publish('nr2.chan', '\u00e9t\u00e9')).toBe(1);
    await waitFor(() => got.length === 1, 'a message');
    expect(got).toEqual(['\u00e9t\u00e9']);
  });

  it('CLIENT LIST shows the counts and the P flag; TYPE pubsub selects subscribers', async () => {
    const raw = f.raw;
    await raw.call('CLIENT', 'SETNAME', 'lister');
    raw.write('*3\r\n$9\r\nSUBSCRIBE\r\n$2\r\nl1\r\n$2\r\nl2\r\n');
    await raw.read();
    await raw.read();
    await raw.call('PSUBSCRIBE', 'l*');
    await raw.call('SSUBSCRIBE', 'ls');
    const line = ((await pub.call('CLIENT', 'LIST', 'TYPE', 'pubsub')) as string).split('\n').find((l) => l.includes('name=lister'));
    expect(line).toBeDefined();
    const fields = clientFields(line!);
    expect([fields.flags, fields.sub, fields.psub, fields.ssub]).toEqual(['P', '2', '1', '1']);
    raw.write('*1\r\n$11\r\nUNSUBSCRIBE\r\n');
    await raw.read();
    await raw.read();
    await raw.call('PUNSUBSCRIBE');
    await raw.call('SUNSUBSCRIBE');
    const after = clientFields(((await pub.client('LIST')) as string).split('\n').find((l) => l.includes('name=lister'))!);
    expect([after.flags, after.sub, after.psub, after.ssub]).toEqual(['N', '0', '0', '0']);
  });

  it('a disconnected subscriber is forgotten everywhere', async () => {
    const raw = await RawClient.connect(f.port);
    await raw.call('SUBSCRIBE', 'gone.c');
    await raw.call('PSUBSCRIBE', 'gone.*');
    await raw.call('SSUBSCRIBE', 'gone.s');
    const numpat = (await pub.pubsub('NUMPAT')) as unknown as number;
    raw.close();
    await waitFor(() => ![...f.server.clients.values()].some((c) => c.flags.has('pubsub') && c.subscriptions === 1 && c.shardSubscriptions === 1), 'the close');
    expect(await pub.pubsub('NUMSUB', 'gone.c')).toEqual(['gone.c', 0]);
    expect(await pub.pubsub('NUMPAT')).toBe(numpat - 1);
    expect(await pub.call('PUBSUB', 'SHARDNUMSUB', 'gone.s')).toEqual(['gone.s', 0]);
    expect(await pub.publish('gone.c', 'x')).toBe(0);
  });

  it('RESET leaves subscriber mode and every subscription, silently', async () => {
    const raw = f.raw;
    await raw.call('SUBSCRIBE', 'reset.c');
    await raw.call('PSUBSCRIBE', 'reset.*');
    expect(await raw.call('RESET')).toBe('+RESET\r\n');
    expect(await raw.call('PING')).toBe('+PONG\r\n');
    expect(await pub.publish('reset.c', 'x')).toBe(0);
    expect(await raw.call('PUBSUB', 'NUMSUB', 'reset.c')).toBe('*2\r\n$7\r\nreset.c\r\n:0\r\n');
    expect(raw.unread).toBe('');
  });

  it('INFO stats fields: distinct channels, patterns and shard channels', async () => {
    const raw = f.raw;
    const before = Object.fromEntries(f.server.hooks.infoFields('stats'));
    await raw.call('SUBSCRIBE', 'info.c');
    await raw.call('PSUBSCRIBE', 'info.*');
    await raw.call('SSUBSCRIBE', 'info.s');
    const after = Object.fromEntries(f.server.hooks.infoFields('stats'));
    expect(after.pubsub_channels).toBe((before.pubsub_channels as number) + 1);
    expect(after.pubsub_patterns).toBe((before.pubsub_patterns as number) + 1);
    expect(after.pubsubshard_channels).toBe((before.pubsubshard_channels as number) + 1);
  });

  it('Messaging: other modules publish through the pub/sub module', async () => {
    const sub = ioredis();
    const got: string[] = [];
    sub.on('message', (ch: string, msg: string) => got.push(`${ch}:${msg}`));
    sub.on('pmessage', (p: string, ch: string, msg: string) => got.push(`${p}>${ch}:${msg}`));
    await sub.subscribe('__redis__:invalidate');
    await sub.psubscribe('__redis__:*');
    expect(f.container.resolve(Messaging).publish('__redis__:invalidate', 'key')).toBe(2);
    await waitFor(() => got.length === 2, 'two deliveries');
    expect(got).toEqual(['__redis__:invalidate:key', '__redis__:*>__redis__:invalidate:key']);
  });

  it('one publish reaches many subscribers in both protocols with identical payloads', async () => {
    const subs = await Promise.all(Array.from({ length: 10 }, () => RawClient.connect(f.port)));
    try {
      for (let i = 0; i < subs.length; i++) {
        if (i % 2 === 1) await subs[i].call('HELLO', '3');
        await subs[i].call('SUBSCRIBE', 'fan');
      }
      expect(await pub.publish('fan', 'payload')).toBe(10);
      const frames = await Promise.all(subs.map((s) => s.read()));
      for (let i = 0; i < subs.length; i++) {
        expect(frames[i]).toBe(`${i % 2 === 1 ? '>' : '*'}3\r\n$7\r\nmessage\r\n$3\r\nfan\r\n$7\r\npayload\r\n`);
      }
    } finally {
      for (const s of subs) s.close();
    }
  });
});

describe('pubsub: idle timeout', () => {
  const f = useServer({ timeout: 1 });

  it('closes an idle normal client but not an idle subscriber, as Redis does', async () => {
    const plain = await RawClient.connect(f.port);
    const sub = await RawClient.connect(f.port);
    try {
      await plain.call('PING');
      await sub.call('SUBSCRIBE', 'idle');
      await plain.waitClosed(10000);
      expect(sub.closed).toBe(false);
      expect(await sub.call('PING')).toBe('*2\r\n$4\r\npong\r\n$0\r\n\r\n');
    } finally {
      plain.close();
      sub.close();
    }
  });
});
