import Redis from 'ioredis';
import { createClient } from 'redis';
import { CommandTable, Hooks, type NotifyClass } from '../../../kernel';
import type { Ferrous } from '../../../kernel/bootstrap';
import { RawClient } from '../../helpers/raw-client';
import { startTestServer } from '../../helpers/server';
import { recordJournal } from '../../helpers/journal';

describe('hello plugin commands', () => {
  let ferrous: Ferrous;
  let io: Redis;
  let raw: RawClient;

  beforeAll(async () => {
    ferrous = await startTestServer({ loadmodule: './plugins/hello', 'hello-greeting': 'Hi' });
    // No ready check: it would send INFO, which is not what this suite tests.
    io = new Redis({ port: ferrous.port, host: '127.0.0.1', enableReadyCheck: false, maxRetriesPerRequest: 0 });
    raw = await RawClient.connect(ferrous.port);
  });

  afterAll(async () => {
    io.disconnect();
    raw.close();
    await ferrous.close();
  });

  beforeEach(async () => {
    await raw.call('FLUSHALL');
  });

  it('greets with the configured greeting through ioredis', async () => {
    expect(await io.call('HELLO.GREET', 'Ada')).toBe('Hi, Ada!');
    expect(await io.call('hello.greet')).toBe('Hi, world!');
  });

  it.each([2, 3] as const)('answers through node-redis over RESP%i', async (RESP) => {
    const client = createClient({ RESP, socket: { port: ferrous.port, host: '127.0.0.1' } });
    await client.connect();
    try {
      expect(await client.sendCommand(['HELLO.GREET', 'Grace'])).toBe('Hi, Grace!');
      expect(await client.sendCommand(['HELLO.COUNT', 'nr'])).toBe(1);
      expect(await client.sendCommand(['HELLO.COUNT', 'nr'])).toBe(2);
    } finally {
      client.destroy();
    }
  });

  it('replies with a bulk string and keeps the name\'s bytes exactly', async () => {
    expect(await raw.call('HELLO.GREET', 'Ada')).toBe('$8\r\nHi, Ada!\r\n');
    const name = '\x00\xff\r\n\xc3\xa9';
    expect(await raw.call('HELLO.GREET', name)).toBe(`$${4 + name.length + 1}\r\nHi, ${name}!\r\n`);
    expect(await io.call('HELLO.GREET', 'José')).toBe('Hi, José!');
  });

  it('counts per key and replies with integers', async () => {
    expect(await raw.call('HELLO.COUNT', 'a')).toBe(':1\r\n');
    expect(await raw.call('HELLO.COUNT', 'a')).toBe(':2\r\n');
    expect(await raw.call('HELLO.COUNT', 'b')).toBe(':1\r\n');
    expect(await io.call('hello.count', 'a')).toBe(3);
    expect(await raw.call('DBSIZE')).toBe(':2\r\n');
  });

  it('answers Redis\'s arity errors', async () => {
    expect(await raw.call('HELLO.COUNT')).toBe("-ERR wrong number of arguments for 'hello.count' command\r\n");
    expect(await raw.call('HELLO.COUNT', 'a', 'b')).toBe("-ERR wrong number of arguments for 'hello.count' command\r\n");
    expect(await raw.call('HELLO.GREET', 'a', 'b')).toBe("-ERR wrong number of arguments for 'hello.greet' command\r\n");
    await expect(io.call('hello.count')).rejects.toThrow("ERR wrong number of arguments for 'hello.count' command");
  });

  it('raises WRONGTYPE both ways between its counters and strings', async () => {
    const wrongType = '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n';
    await raw.call('SET', 's', 'v');
    expect(await raw.call('HELLO.COUNT', 's')).toBe(wrongType);
    expect(await raw.call('GET', 's')).toBe('$1\r\nv\r\n');
    await raw.call('HELLO.COUNT', 'c');
    expect(await raw.call('GET', 'c')).toBe(wrongType);
    await expect(io.get('c')).rejects.toThrow('WRONGTYPE Operation against a key holding the wrong kind of value');
    // SET replaces a value of any type, as in Redis; the counter then starts over.
    expect(await raw.call('SET', 'c', 'x')).toBe('+OK\r\n');
    expect(await raw.call('GET', 'c')).toBe('$1\r\nx\r\n');
  });

  it('stores a value TYPE names by the registered data type, which COPY clones', async () => {
    await raw.call('HELLO.COUNT', 'c');
    expect(await raw.call('TYPE', 'c')).toBe('+hello-counter\r\n');
    expect(await raw.call('OBJECT', 'ENCODING', 'c')).toBe('$3\r\nraw\r\n');
    expect(await raw.call('COPY', 'c', 'd')).toBe(':1\r\n');
    expect(await raw.call('HELLO.COUNT', 'c')).toBe(':2\r\n');
    expect(await raw.call('TYPE', 'd')).toBe('+hello-counter\r\n');
    expect(await raw.call('HELLO.COUNT', 'd')).toBe(':2\r\n');
  });

  it('keeps the key\'s TTL when it increments', async () => {
    await raw.call('HELLO.COUNT', 't');
    expect(await raw.call('EXPIRE', 't', '1000')).toBe(':1\r\n');
    await raw.call('HELLO.COUNT', 't');
    expect(Number(await io.ttl('t'))).toBeGreaterThan(0);
  });

  it('signals its writes: keyspace event, key-modified hook and propagation', async () => {
    const hooks = ferrous.container.resolve(Hooks);
    const events: [NotifyClass, string, string, number][] = [];
    const modified: string[] = [];
    const propagated: [number, string[]][] = [];
    hooks.onKeyspaceEvent((cls, event, key, dbid) => events.push([cls, event, key, dbid]));
    hooks.onKeyModified((_db, key) => modified.push(key));
    recordJournal(ferrous.server.journal, (dbid, argv) => propagated.push([dbid, argv]));
    await raw.call('HELLO.COUNT', 'k');
    await raw.call('HELLO.GREET');
    expect(events).toEqual([['d', 'hello.count', 'k', 0]]);
    expect(modified).toEqual(['k']);
    expect(propagated).toEqual([[0, ['HELLO.COUNT', 'k']]]);
  });

  it('publishes its decorator metadata through COMMAND', async () => {
    const [info] = (await io.call('COMMAND', 'INFO', 'hello.count')) as unknown[][];
    expect(info.slice(0, 6)).toEqual(['hello.count', 2, ['write', 'denyoom', 'fast'], 1, 1, 1]);
    expect(await io.call('COMMAND', 'GETKEYS', 'hello.count', 'k')).toEqual(['k']);
    const [name, docs] = (await io.call('COMMAND', 'DOCS', 'hello.greet')) as [string, unknown[]];
    expect(name).toBe('hello.greet');
    expect(docs).toEqual(expect.arrayContaining(['group', 'module', 'since', '1.0.0', 'complexity', 'O(1)']));
    expect(ferrous.container.resolve(CommandTable).lookup('HELLO.GREET')!.module).toBe('hello');
  });
});
