import { useCompat } from '../helpers/compat';
import { command, RawClient } from '../helpers/raw-client';
import { waitFor } from '../helpers/fixtures';

/** A step: which client (index) sends which command. */
type Step = [client: number, ...argv: string[]];

/** HELLO's `id` differs between any two servers. */
function normalise(frame: string): string {
  return frame.replace(/(\$2\r\nid\r\n:)\d+/g, '$1*');
}

/**
 * Run a multi-client script on one server and return, per client, every frame it received
 * (replies and messages, in order). After each step the sending client is synchronised with
 * a PING carrying a unique marker, so the command has run before the next step is sent; the
 * marker replies stay in the transcript (their form depends on the client's mode).
 */
async function transcripts(port: number, clients: number, steps: Step[]): Promise<string[][]> {
  const cs = await Promise.all(Array.from({ length: clients }, () => RawClient.connect(port)));
  const logs: string[][] = cs.map(() => []);
  let seq = 0;
  const sync = async (i: number): Promise<void> => {
    if (cs[i].closed) return;
    const marker = `sync:${seq++}`;
    cs[i].write(command('PING', marker));
    for (;;) {
      const frame = await cs[i].read();
      logs[i].push(normalise(frame));
      if (frame.endsWith(`$${marker.length}\r\n${marker}\r\n`)) return;
    }
  };
  try {
    await cs[0].call('FLUSHALL');
    for (const [i, ...argv] of steps) {
      cs[i].write(command(...argv));
      if (argv[0].toUpperCase() === 'QUIT') {
        await cs[i].waitClosed();
        logs[i].push(cs[i].unread);
      } else {
        await sync(i);
      }
    }
    for (let i = 0; i < clients; i++) await sync(i);
    return logs;
  } finally {
    for (const c of cs) c.close();
  }
}

describe('pub/sub vs redis-server 7.0', () => {
  const h = useCompat();

  /** The same script on both servers: every client's transcript must match byte for byte. */
  async function sameScript(clients: number, steps: Step[]): Promise<void> {
    const redis = await transcripts(h.redisPort(), clients, steps);
    const ferrous = await transcripts(h.ferrousPort(), clients, steps);
    expect(ferrous).toEqual(redis);
  }

  it('SUBSCRIBE / PUBLISH / UNSUBSCRIBE in RESP2, with counts and binary payloads', async () => {
    await sameScript(3, [
      [0, 'SUBSCRIBE', 'news', 'sport'],
      [1, 'SUBSCRIBE', 'news'],
      [1, 'SUBSCRIBE', 'news'],
      [2, 'PUBLISH', 'news', 'hello'],
      [2, 'PUBLISH', 'sport', '\x00\xff\r\nbin'],
      [2, 'PUBLISH', 'nobody', 'x'],
      [2, 'PUBLISH', 'news', ''],
      [0, 'UNSUBSCRIBE', 'sport', 'never'],
      [2, 'PUBLISH', 'sport', 'lost'],
      [1, 'UNSUBSCRIBE'],
      [1, 'UNSUBSCRIBE'],
      [2, 'PUBLISH', 'news', 'again'],
      [0, 'UNSUBSCRIBE', 'news'],
      [0, 'GET', 'x'],
      [2, 'PUBLISH'],
      [2, 'PUBLISH', 'a'],
      [2, 'PUBLISH', 'a', 'b', 'c'],
      [2, 'SUBSCRIBE'],
    ]);
  });

  it('PSUBSCRIBE: pmessage carries the pattern; glob syntax; channel and pattern both deliver', async () => {
    await sameScript(3, [
      [0, 'PSUBSCRIBE', 'news.*'],
      [1, 'PSUBSCRIBE', 'h?llo', 'x[a-c]y', 'lit\\*'],
      [1, 'SUBSCRIBE', 'hello'],
      [2, 'PUBLISH', 'news.tech', 'n1'],
      [2, 'PUBLISH', 'news', 'n2'],
      [2, 'PUBLISH', 'hello', 'h1'],
      [2, 'PUBLISH', 'hallo', 'h2'],
      [2, 'PUBLISH', 'xby', 'r1'],
      [2, 'PUBLISH', 'xdy', 'r2'],
      [2, 'PUBLISH', 'lit*', 'e1'],
      [2, 'PUBLISH', 'litx', 'e2'],
      [1, 'PUNSUBSCRIBE', 'x[a-c]y', 'nope'],
      [2, 'PUBLISH', 'xby', 'r3'],
      [1, 'PUNSUBSCRIBE'],
      [1, 'PUNSUBSCRIBE'],
      [2, 'PUBLISH', 'hello', 'h3'],
      [0, 'PSUBSCRIBE', 'news.*'],
      [2, 'PUBLISH', 'news.x', 'once'],
    ]);
  });

  it('RESP2 subscriber mode: allowed commands, PING, rejections, leaving the mode', async () => {
    await sameScript(2, [
      [0, 'SUBSCRIBE', 'c'],
      [0, 'PING'],
      [0, 'PING', 'hi'],
      [0, 'PING', 'a', 'b'],
      [0, 'GET', 'k'],
      [0, 'SET', 'k', 'v'],
      [0, 'CLIENT', 'LIST'],
      [0, 'CONFIG', 'GET', 'port'],
      [0, 'MULTI'],
      [0, 'HELLO', '3'],
      [0, 'PUBLISH', 'c', 'self'],
      [0, 'NOSUCHCMD'],
      [0, 'GET'],
      [0, 'SSUBSCRIBE', 's'],
      [0, 'UNSUBSCRIBE', 'c'],
      [0, 'PING'],
      [1, 'SPUBLISH', 's', 'shard'],
      [0, 'SUNSUBSCRIBE'],
      [0, 'PING'],
      [0, 'GET', 'k'],
    ]);
  });

  it('inside MULTI: SUBSCRIBE enters subscriber mode at EXEC, SSUBSCRIBE is refused', async () => {
    await h.same(['MULTI'], ['SUBSCRIBE', 'a'], ['SSUBSCRIBE', 'b'], ['PSUBSCRIBE', 'c'], ['EXEC'], ['PING'], ['GET', 'x'], ['UNSUBSCRIBE'], ['PUNSUBSCRIBE'], ['PING']);
    await h.same3(['MULTI'], ['SUBSCRIBE', 'a'], ['SSUBSCRIBE', 'b'], ['EXEC'], ['PING'], ['GET', 'x']);
  });

  it('shard channels count apart from channels and patterns', async () => {
    await sameScript(2, [
      [0, 'SSUBSCRIBE', 's1', 's2', 's1'],
      [0, 'SUBSCRIBE', 'c1'],
      [0, 'PSUBSCRIBE', 'p*'],
      [1, 'SPUBLISH', 's1', 'a'],
      [1, 'SPUBLISH', 'c1', 'not-a-shard-subscriber'],
      [1, 'PUBLISH', 's1', 'not-a-channel-subscriber'],
      [1, 'SPUBLISH', 'p1', 'patterns-ignore-spublish'],
      [0, 'SUNSUBSCRIBE', 's2'],
      [0, 'SUNSUBSCRIBE'],
      [0, 'SUNSUBSCRIBE'],
      [0, 'PUNSUBSCRIBE'],
      [0, 'UNSUBSCRIBE'],
      [0, 'PING'],
      [1, 'SPUBLISH'],
      [1, 'SSUBSCRIBE'],
    ]);
  });

  it('RESP3: push messages, any command while subscribed, own messages before the PUBLISH reply', async () => {
    await sameScript(2, [
      [0, 'HELLO', '3'],
      [0, 'SUBSCRIBE', 'c', 'd'],
      [0, 'SET', 'k', 'v'],
      [0, 'GET', 'k'],
      [0, 'PING'],
      [0, 'PUBLISH', 'c', 'to-myself'],
      [0, 'PSUBSCRIBE', '*'],
      [0, 'PUBLISH', 'c', 'twice'],
      [1, 'PUBLISH', 'd', 'from-other'],
      [0, 'UNSUBSCRIBE', 'c'],
      [0, 'UNSUBSCRIBE', 'never'],
      [0, 'PUNSUBSCRIBE'],
      [0, 'UNSUBSCRIBE'],
      [0, 'UNSUBSCRIBE'],
      [0, 'SSUBSCRIBE', 's'],
      [1, 'SPUBLISH', 's', 'sm'],
      [0, 'HELLO', '2'],
      [0, 'GET', 'k'],
      [0, 'PING'],
      [0, 'SUNSUBSCRIBE', 's'],
      [0, 'GET', 'k'],
    ]);
  });

  it('CLIENT REPLY OFF and SKIP silence command replies only: confirmations, messages and notifications arrive (RESP2 and RESP3)', async () => {
    /** Every frame the subscriber gets, up to RESET's reply (RESET also puts replies back on). */
    const untilReset = async (c: RawClient): Promise<string[]> => {
      const frames: string[] = [];
      for (;;) {
        const f = await c.read();
        frames.push(f);
        if (f === '+RESET\r\n') return frames;
      }
    };
    const run = async (port: number, resp: string): Promise<string[]> => {
      const sub = await RawClient.connect(port);
      const pub = await RawClient.connect(port);
      try {
        await sub.call('HELLO', resp);
        await pub.call('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
        sub.write(['CLIENT REPLY OFF', 'SUBSCRIBE ch', 'PSUBSCRIBE __key*__:*', 'PING', 'GET x'].map((l) => command(...l.split(' '))).join(''));
        await waitFor(async () => (await pub.call('PUBSUB', 'NUMPAT')) === ':1\r\n', 'the pattern subscription');
        await pub.call('PUBLISH', 'ch', 'hello');
        await pub.call('SET', 'kk', 'v');
        sub.write(['UNSUBSCRIBE ch', 'CLIENT REPLY ON', 'PING', 'RESET'].map((l) => command(...l.split(' '))).join(''));
        const off = await untilReset(sub);
        sub.write(['CLIENT REPLY SKIP', 'SUBSCRIBE ch2', 'PING', 'CLIENT REPLY SKIP', 'UNSUBSCRIBE', 'PING', 'RESET'].map((l) => command(...l.split(' '))).join(''));
        const skip = await untilReset(sub);
        await pub.call('CONFIG', 'SET', 'notify-keyspace-events', '');
        return [...off, '--', ...skip];
      } finally {
        sub.close();
        pub.close();
      }
    };
    for (const resp of ['2', '3']) expect(await run(h.ferrousPort(), resp)).toEqual(await run(h.redisPort(), resp));
  });

  it('RESET and QUIT leave every subscription', async () => {
    await sameScript(3, [
      [0, 'SUBSCRIBE', 'c'],
      [0, 'PSUBSCRIBE', 'c*'],
      [0, 'SSUBSCRIBE', 'c'],
      [1, 'SUBSCRIBE', 'c'],
      [2, 'PUBLISH', 'c', 'm1'],
      [0, 'RESET'],
      [0, 'PING'],
      [2, 'PUBLISH', 'c', 'm2'],
      [2, 'SPUBLISH', 'c', 'm3'],
      [2, 'PUBSUB', 'NUMPAT'],
      [1, 'QUIT'],
      [2, 'PUBLISH', 'c', 'm4'],
      [2, 'PUBSUB', 'NUMSUB', 'c'],
    ]);
  });

  it('PUBSUB CHANNELS / NUMSUB / NUMPAT / SHARDCHANNELS / SHARDNUMSUB / HELP', async () => {
    await sameScript(3, [
      [0, 'SUBSCRIBE', 'news.tech'],
      [1, 'SUBSCRIBE', 'news.tech', 'weather'],
      [1, 'PSUBSCRIBE', 'a*', 'b*'],
      [0, 'PSUBSCRIBE', 'a*'],
      [0, 'SSUBSCRIBE', 'shard1'],
      [2, 'PUBSUB', 'CHANNELS', 'news*'],
      [2, 'PUBSUB', 'CHANNELS', 'w?ather'],
      [2, 'PUBSUB', 'CHANNELS', 'nomatch*'],
      [2, 'pubsub', 'channels', 'a', 'b'],
      [2, 'PUBSUB', 'NUMSUB'],
      [2, 'PUBSUB', 'NUMSUB', 'news.tech', 'weather', 'none', 'news.tech'],
      [2, 'PUBSUB', 'NUMPAT'],
      [2, 'PUBSUB', 'NUMPAT', 'x'],
      [2, 'PUBSUB', 'SHARDCHANNELS'],
      [2, 'PUBSUB', 'SHARDCHANNELS', 'shard?'],
      [2, 'PUBSUB', 'SHARDCHANNELS', 'x', 'y'],
      [2, 'PUBSUB', 'SHARDNUMSUB', 'shard1', 'news.tech'],
      [2, 'PUBSUB', 'SHARDNUMSUB'],
      [2, 'PUBSUB', 'HELP'],
      [2, 'PUBSUB', 'HELP', 'x'],
      [2, 'PUBSUB'],
      [2, 'PUBSUB', 'nope'],
      [2, 'HELLO', '3'],
      [2, 'PUBSUB', 'NUMSUB', 'weather'],
      [2, 'PUBSUB', 'CHANNELS', 'w*'],
      [1, 'UNSUBSCRIBE', 'weather'],
      [2, 'PUBSUB', 'CHANNELS', 'w*'],
      [2, 'PUBSUB', 'NUMSUB', 'weather'],
    ]);
  });

  it('keyspace notifications: classes, keyspace and keyevent channels, databases', async () => {
    await sameScript(3, [
      [1, 'CONFIG', 'SET', 'notify-keyspace-events', 'KEA'],
      [0, 'PSUBSCRIBE', '__key*__:*'],
      [1, 'SET', 'a', '1'],
      [1, 'SET', 'a', '2', 'EX', '100'],
      [1, 'APPEND', 'a', 'x'],
      [1, 'RENAME', 'a', 'b'],
      [1, 'EXPIRE', 'b', '200'],
      [1, 'PERSIST', 'b'],
      [1, 'DEL', 'b', 'nokey'],
      [1, 'GET', 'nokey'],
      [1, 'SELECT', '3'],
      [1, 'INCRBY', 'n', '5'],
      [1, 'SELECT', '0'],
      [1, 'CONFIG', 'SET', 'notify-keyspace-events', 'Km'],
      [1, 'GET', 'missing'],
      [1, 'SET', 'quiet', '1'],
      [1, 'CONFIG', 'SET', 'notify-keyspace-events', 'E$n'],
      [1, 'SET', 'fresh', '1'],
      [1, 'SET', 'fresh', '2'],
      [1, 'DEL', 'fresh'],
      [1, 'CONFIG', 'SET', 'notify-keyspace-events', 'Eg'],
      [1, 'SET', 'e', '1', 'EX', '100'],
      [1, 'CONFIG', 'SET', 'notify-keyspace-events', ''],
      [1, 'DEL', 'quiet'],
    ]);
  });

  it('notify-keyspace-events: parsing and CONFIG GET canonical form', async () => {
    const forms = ['KEA', 'AKE', 'gK', 'K', 'Ag$lshzxetdnmKE', 'n', 'Em', 'x', 'KEg$lshzxetd', 'E$lshz', 'Ed', 'mK', ''];
    const cmds: string[][] = [['CONFIG', 'GET', 'notify-keyspace-events']];
    for (const f of forms) cmds.push(['CONFIG', 'SET', 'notify-keyspace-events', f], ['CONFIG', 'GET', 'notify-keyspace-events']);
    cmds.push(['CONFIG', 'SET', 'notify-keyspace-events', 'Kq'], ['CONFIG', 'SET', 'notify-keyspace-events', 'kea'], ['CONFIG', 'GET', 'notify-keyspace-events']);
    await h.same(...cmds);
  });

  it('client-output-buffer-limit: parsing, partial updates and CONFIG GET form', async () => {
    await h.same(
      ['CONFIG', 'GET', 'client-output-buffer-limit'],
      ['CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 1mb 512kb 10'],
      ['CONFIG', 'GET', 'client-output-buffer-limit'],
      ['CONFIG', 'SET', 'client-output-buffer-limit', 'replica 1k 2K 3 normal 1 2 3'],
      ['CONFIG', 'GET', 'client-output-buffer-limit'],
      ['CONFIG', 'SET', 'client-output-buffer-limit', 'slave 1gb 2G 0 PUBSUB 0 0 0'],
      ['CONFIG', 'GET', 'client-output-buffer-limit'],
      ['CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 1mb 512kb'],
      ['CONFIG', 'SET', 'client-output-buffer-limit', 'foo 1 1 1'],
      ['CONFIG', 'SET', 'client-output-buffer-limit', 'master 1 1 1'],
      ['CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 1x 1 1'],
      ['CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub -1 1 1'],
      ['CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 1 1 -1'],
      ['CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 1 1 x'],
      ['CONFIG', 'SET', 'client-output-buffer-limit', 'normal 5 5 5 pubsub 1 1'],
      ['CONFIG', 'GET', 'client-output-buffer-limit'],
      ['CONFIG', 'SET', 'client-output-buffer-limit', ''],
      ['CONFIG', 'SET', 'client-output-buffer-limit', 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60'],
      ['CONFIG', 'GET', 'client-output-buffer-limit'],
    );
  });
});
