import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { useCompat } from '../helpers/compat';
import { RawClient } from '../helpers/raw-client';

const HASH = 'c592df4a86933b92addc9842402ddf198c638ea9be58916ee6e3734e1e3152f8';

/** Log entries without the fields that differ between two servers (ages, client ids and addresses). */
function logShape(raw: string): string {
  return raw.replace(/(age-seconds\r\n)\$\d+\r\n[\d.e-]+\r\n/g, '$1$AGE\r\n').replace(/\$\d+\r\nid=[^\r]*\r\n/g, '$CLIENT\r\n').replace(/,\d+\.\d+(e-\d+)?\r\n/g, ',AGE\r\n');
}

describe('ACL vs redis-server 7.0', () => {
  const h = useCompat();

  it('SETUSER rules and how LIST / GETUSER / USERS describe them', async () => {
    await h.same(
      ['ACL', 'SETUSER', 'alice', 'on', '>pw1', '~k*', '%R~r*', '%W~w*', '&ch*', '+@hash', '+get', '(~s* +set)'],
      ['ACL', 'LIST'],
      ['ACL', 'GETUSER', 'alice'],
      ['ACL', 'SETUSER', 'bob'],
      ['ACL', 'GETUSER', 'bob'],
      ['ACL', 'SETUSER', 'carol', 'reset', 'on', 'nopass', 'allkeys', 'allchannels', 'allcommands', '-flushall'],
      ['ACL', 'SETUSER', 'dave', 'on', `#${HASH}`, '+config', '-config|set', '~a', '~b', '%R~a'],
      ['ACL', 'SETUSER', 'erin', '+@all', '-@hash', '+hget', 'resetkeys', '~x'],
      ['ACL', 'SETUSER', 'frank', '+@read', '-@all', '+set', 'on', '>a', '>b', '<a'],
      ['ACL', 'SETUSER', 'gina', '+select|0', '(+set ~a)', '(+get ~b)'],
      ['ACL', 'SETUSER', 'gina', 'clearselectors'],
      ['ACL', 'SETUSER', 'spaces', '~a b'],
      ['ACL', 'SETUSER', 'spaces', '&c d'],
      ['ACL', 'SETUSER', 'spaces', '(~a b)'],
      ['ACL', 'SETUSER', 'spaces', '~a\tb'],
      ['ACL', 'SETUSER', 'spaces', '~k\x00*'],
      ['ACL', 'SETUSER', 'spaces', '&k\x00*'],
      ['ACL', 'SETUSER', 'spaces', '>a\x00b', '~\x01\xff'],
      ['ACL', 'SETUSER', 'spaces', 'on', '>p q', '%R~e'],
      ['ACL', 'SETUSER', 'spaces', '%W~f'],
      ['ACL', 'GETUSER', 'spaces'],
      ['ACL', 'LIST'],
      ['ACL', 'USERS'],
      ['ACL', 'GETUSER', 'nosuch'],
      ['ACL', 'DELUSER', 'alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'gina', 'spaces', 'nosuch'],
      ['ACL', 'USERS'],
    );
  });

  it('SETUSER errors leave the user as it was', async () => {
    await h.same(
      ['ACL', 'SETUSER', 'u1', 'on', '>p', '~a'],
      ['ACL', 'SETUSER', 'u1', '+@foo'],
      ['ACL', 'SETUSER', 'u1', '+nosuch'],
      ['ACL', 'SETUSER', 'u1', '-config|get|x'],
      ['ACL', 'SETUSER', 'u1', '+config|nosuch'],
      ['ACL', 'SETUSER', 'u1', 'foo'],
      ['ACL', 'SETUSER', 'u1', '%X~a'],
      ['ACL', 'SETUSER', 'u1', '#abc'],
      ['ACL', 'SETUSER', 'u1', '!abc'],
      ['ACL', 'SETUSER', 'u1', '<nopw'],
      ['ACL', 'SETUSER', 'u1', '(~a'],
      ['ACL', 'SETUSER', 'u1', 'off', '+get', 'bogus'],
      ['ACL', 'SETUSER', 'u1', 'allkeys', '~b'],
      ['ACL', 'SETUSER', 'u1', 'allchannels', '&b'],
      ['ACL', 'SETUSER', 'u1', '-select|0'],
      ['ACL', 'SETUSER', 'a b'],
      ['ACL', 'SETUSER', 'a\x00b'],
      ['ACL', 'SETUSER', 'a\tb'],
      ['ACL', 'SETUSER', 'u1', '%RW~k', '%WR~j', '&', '~'],
      ['ACL', 'GETUSER', 'u1'],
      ['ACL', 'LIST'],
      ['ACL', 'SETUSER'],
      ['ACL', 'DELUSER', 'default'],
      ['ACL', 'DELUSER', 'u1'],
    );
  });

  it('AUTH and HELLO AUTH as a user; WHOAMI; the default user', async () => {
    const { ferrous, redis } = await h.both([
      ['ACL', 'SETUSER', 'u2', 'on', '>secret', '+@all', '~*'],
      ['ACL', 'SETUSER', 'off1', 'off', '>secret', '+@all'],
      ['ACL', 'WHOAMI'],
      ['AUTH', 'u2', 'wrong'],
      ['AUTH', 'nosuch', 'secret'],
      ['AUTH', 'off1', 'secret'],
      ['AUTH', 'u2', 'secret'],
      ['ACL', 'WHOAMI'],
      ['HELLO', '2', 'AUTH', 'u2', 'bad'],
      ['HELLO', '2', 'AUTH', 'default', 'anything'],
      ['ACL', 'WHOAMI'],
      ['AUTH', 'x'],
      ['ACL', 'DELUSER', 'u2', 'off1'],
    ]);
    const clientId = (r: string) => r.replace(/(\$2\r\nid\r\n:)\d+/, '$1*');
    expect(ferrous.map(clientId)).toEqual(redis.map(clientId));
  });

  it('command, key and channel permissions, with the exact NOPERM texts', async () => {
    await h.same(
      ['ACL', 'SETUSER', 'p1', 'on', '>p', '~k*', '%R~r*', '%W~w*', '&news*', '+@read', '+@write', '+@pubsub', '-flushall', '(~s* +set)'],
      ['SET', 'r1', 'v'],
      ['AUTH', 'p1', 'p'],
      ['GET', 'k1'],
      ['SET', 'k1', 'v'],
      ['GET', 'x'],
      ['GET', 'r1'],
      ['SET', 'r1', 'v'],
      ['SET', 'w1', 'v'],
      ['GET', 'w1'],
      ['EXISTS', 'w1', 'r1'],
      ['MSET', 'k2', 'v', 'w2', 'v'],
      ['MSET', 'k2', 'v', 'r2', 'v'],
      ['COPY', 'r1', 'w3'],
      ['COPY', 'w1', 'k3'],
      ['SET', 's1', 'v'],
      ['FLUSHALL'],
      ['CONFIG', 'GET', 'port'],
      ['PUBLISH', 'news1', 'm'],
      ['PUBLISH', 'other', 'm'],
      ['ACL', 'WHOAMI'],
      ['AUTH', 'default', 'x'],
      ['ACL', 'DELUSER', 'p1'],
    );
  });

  it('subcommands and first arguments', async () => {
    await h.same(
      ['ACL', 'SETUSER', 'p2', 'on', 'nopass', 'allkeys', '+config|get', '+select|0', '+acl|whoami', '+auth'],
      ['AUTH', 'p2', 'x'],
      ['CONFIG', 'GET', 'maxclients'],
      ['CONFIG', 'SET', 'maxclients', '100'],
      ['SELECT', '0'],
      ['SELECT', '1'],
      ['ACL', 'WHOAMI'],
      ['ACL', 'LIST'],
      ['AUTH', 'default', 'x'],
      ['ACL', 'DELUSER', 'p2'],
    );
  });

  it('MULTI: refused at queue time (EXECABORT); DRYRUN', async () => {
    await h.same(
      ['ACL', 'SETUSER', 'p3', 'on', '>p', '~a*', '+@all', '-flushall'],
      ['ACL', 'DRYRUN', 'p3', 'GET', 'a1'],
      ['ACL', 'DRYRUN', 'p3', 'GET', 'b1'],
      ['ACL', 'DRYRUN', 'p3', 'FLUSHALL'],
      ['ACL', 'DRYRUN', 'p3', 'CONFIG', 'GET', 'port'],
      ['ACL', 'DRYRUN', 'nosuch', 'GET', 'a'],
      ['ACL', 'DRYRUN', 'p3', 'nosuchcmd'],
      ['ACL', 'DRYRUN', 'p3', 'GET'],
      ['AUTH', 'p3', 'p'],
      ['MULTI'],
      ['GET', 'b'],
      ['GET', 'a1'],
      ['EXEC'],
      ['MULTI'],
      ['FLUSHALL'],
      ['EXEC'],
      ['AUTH', 'default', 'x'],
      ['ACL', 'DELUSER', 'p3'],
    );
  });

  it('EXEC checks again: rules changed after queueing refuse those commands with Redis text, the rest run', async () => {
    const run = async (port: number): Promise<string[]> => {
      const [a, admin] = await Promise.all([RawClient.connect(port), RawClient.connect(port)]);
      try {
        const out = [await admin.call('ACL', 'SETUSER', 'p5', 'on', '>p', '+@all', '~*', '&*')];
        for (const c of [['AUTH', 'p5', 'p'], ['MULTI'], ['GET', 'a'], ['PUBLISH', 'ch', 'm'], ['SET', 'zz', '1'], ['FLUSHALL']]) out.push(await a.call(...c));
        out.push(await admin.call('ACL', 'SETUSER', 'p5', 'resetkeys', 'resetchannels', '~zz', '-flushall'));
        out.push(await a.call('EXEC'), await admin.call('GET', 'zz'), await admin.call('ACL', 'DELUSER', 'p5'));
        return out;
      } finally {
        a.close();
        admin.close();
      }
    };
    expect(await run(h.ferrousPort())).toEqual(await run(h.redisPort()));
  });

  it('scripts and functions run under the caller: redis.call raises, redis.pcall returns the refusal', async () => {
    await h.same(
      ['ACL', 'SETUSER', 'p6', 'on', '>p', '~a*', '&c*', '+@all', '-flushall'],
      ['FUNCTION', 'LOAD', 'REPLACE', "#!lua name=acltest\nredis.register_function('getb', function() return redis.call('get', 'b') end)"],
      ['AUTH', 'p6', 'p'],
      ['EVAL', "return redis.call('get', 'a1')", '0'],
      ['EVAL', "return redis.call('get', 'b')", '0'],
      ['EVAL', "return redis.pcall('get', 'b')", '0'],
      ['EVAL', "return redis.call('flushall')", '0'],
      ['EVAL', "return redis.pcall('publish', 'x', 'y')", '0'],
      ['EVAL', "return redis.pcall('publish', 'c1', 'y')", '0'],
      ['FCALL', 'getb', '0'],
      ['AUTH', 'default', 'x'],
      ['EVAL', "return redis.call('get', 'b')", '0'],
      ['FUNCTION', 'DELETE', 'acltest'],
      ['ACL', 'DELUSER', 'p6'],
    );
  });

  it('SORT: BY and GET patterns need read access to every key; STORE is a written key', async () => {
    await h.same(
      ['RPUSH', 'l1', '3', '1', '2'],
      ['ACL', 'SETUSER', 's1', 'on', '>p', '~l*', '+@all'],
      ['ACL', 'SETUSER', 's2', 'on', '>p', '%R~*', '~l*', '+@all'],
      ['AUTH', 's1', 'p'],
      ['SORT', 'l1', 'BY', 'w_*'],
      ['SORT', 'l1', 'GET', '#'],
      ['SORT', 'l1', 'BY', 'nosort'],
      ['SORT', 'l1', 'STORE', 'x'],
      ['SORT', 'l1', 'STORE', 'l2'],
      ['SORT_RO', 'l1', 'GET', 'x*'],
      ['AUTH', 's2', 'p'],
      ['SORT', 'l1', 'BY', 'w_*', 'GET', '#'],
      ['SORT', 'l1', 'BY', 'w_*', 'STORE', 'x'],
      ['AUTH', 'default', 'x'],
      ['ACL', 'DELUSER', 's1', 's2'],
    );
  });

  it('ACL LOG entries (reasons, contexts, objects, grouping) and RESET', async () => {
    const steps = [
      ['ACL', 'LOG', 'RESET'],
      ['ACL', 'SETUSER', 'p4', 'on', '>p', '~a*', '&c*', '+@all', '-flushall'],
      ['AUTH', 'p4', 'bad'],
      ['AUTH', 'p4', 'p'],
      ['GET', 'b'],
      ['GET', 'b'],
      ['FLUSHALL'],
      ['PUBLISH', 'x', 'y'],
      ['MULTI'],
      ['GET', 'zz'],
      ['DISCARD'],
      ['EVAL', "return redis.pcall('get', 'lua1')", '0'],
      ['AUTH', 'default', 'x'],
      ['ACL', 'LOG'],
      ['ACL', 'LOG', '2'],
      ['ACL', 'LOG', 'x'],
      ['ACL', 'LOG', '-1'],
      ['ACL', 'LOG', 'RESET'],
      ['ACL', 'LOG'],
      ['ACL', 'DELUSER', 'p4'],
    ];
    const { ferrous, redis } = await h.both(steps);
    expect(ferrous.map(logShape)).toEqual(redis.map(logShape));
  });

  it('HELP, arity and unknown subcommands; CLIENT KILL USER', async () => {
    await h.same(
      ['ACL', 'HELP'],
      ['ACL'],
      ['ACL', 'nosuch'],
      ['ACL', 'WHOAMI', 'x'],
      ['ACL', 'USERS', 'x'],
      ['ACL', 'LIST', 'x'],
      ['ACL', 'SAVE', 'x'],
      ['ACL', 'LOG', '1', '2'],
      ['ACL', 'CAT', 'a', 'b'],
      ['ACL', 'SETUSER', 'killme', 'on', 'nopass', '+@all'],
      ['CLIENT', 'KILL', 'USER', 'killme'],
      ['CLIENT', 'KILL', 'USER', 'nosuch'],
      ['ACL', 'DELUSER', 'killme'],
    );
  });

  it('RESP3: GETUSER is a map with nested selector maps; LIST, USERS and CAT arrays', async () => {
    await h.same3(
      ['ACL', 'SETUSER', 'r3', 'on', '>p', '~k*', '&c', '+get', '(~s* +set)'],
      ['ACL', 'GETUSER', 'r3'],
      ['ACL', 'GETUSER', 'nosuch'],
      ['ACL', 'LIST'],
      ['ACL', 'USERS'],
      ['ACL', 'CAT'],
      ['ACL', 'DRYRUN', 'r3', 'GET', 'x'],
      ['ACL', 'DELUSER', 'r3'],
    );
  });

  it('CAT and GENPASS', async () => {
    await h.same(['ACL', 'CAT'], ['ACL', 'CAT', 'nosuch'], ['ACL', 'GENPASS', '0'], ['ACL', 'GENPASS', '4097'], ['ACL', 'GENPASS', 'x']);
    const { ferrous, redis } = await h.both([['ACL', 'GENPASS'], ['ACL', 'GENPASS', '5'], ['ACL', 'GENPASS', '32']]);
    expect(ferrous.map((r) => r.length)).toEqual(redis.map((r) => r.length));
    // The commands of a category: Ferrous has them all or a subset (no geo, no streams).
    const cats = await h.both([['ACL', 'CAT', 'hash'], ['ACL', 'CAT', 'string']]);
    for (let i = 0; i < 2; i++) {
      const ours = new Set(cats.ferrous[i].split('\r\n').filter((l) => /^[a-z|]+$/.test(l)));
      const theirs = new Set(cats.redis[i].split('\r\n').filter((l) => /^[a-z|]+$/.test(l)));
      expect([...ours].sort()).toEqual([...theirs].sort());
    }
  });
});

describe('ACL LOAD / SAVE vs redis-server 7.0', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferrous-aclfile-'));
  const ours = path.join(dir, 'ferrous.acl');
  const theirs = path.join(dir, 'redis.acl');
  for (const f of [ours, theirs]) fs.writeFileSync(f, 'user default on nopass ~* &* +@all\n');
  const h = useCompat({ aclfile: ours }, ['--aclfile', theirs]);

  /** Both files get `text`; both servers run `commands`; file names are made alike in the replies. */
  async function sameWithFile(text: string, ...commands: string[][]): Promise<void> {
    fs.writeFileSync(ours, text);
    fs.writeFileSync(theirs, text);
    const { ferrous, redis } = await h.both(commands);
    const plain = (r: string) => r.split(ours).join('FILE').split(theirs).join('FILE').replace(/^-(ERR .*)\r\n$/, '$1');
    expect(ferrous.map(plain)).toEqual(redis.map(plain));
  }

  it('loads users, skips blank lines, and refuses bad files whole with Redis texts', async () => {
    await sameWithFile('\n  user ok on nopass +@all ~*\n\nuser two off #' + HASH + ' (~a +get)\n', ['ACL', 'LOAD'], ['ACL', 'LIST']);
    await sameWithFile('user ok on nopass +@all\nuser bad on +nosuchcmd -@foo\n', ['ACL', 'LOAD'], ['ACL', 'LIST']);
    await sameWithFile('user ok on nopass +@all\nuser ok on nopass\n', ['ACL', 'LOAD']);
    await sameWithFile('# comment\nfoo bar\nuser\n', ['ACL', 'LOAD']);
    await sameWithFile('user x on "unbalanced\nuser a b c\nuser c (~x\n', ['ACL', 'LOAD']);
    await sameWithFile('user default on >pw ~* &* +@all\n', ['ACL', 'LOAD'], ['ACL', 'LIST']);
  });

  it('SAVE writes what LOAD reads back', async () => {
    await sameWithFile('user default on nopass ~* &* +@all\n', ['ACL', 'LOAD'], ['ACL', 'SETUSER', 'saved', 'on', '>x', '~k*', '+@read'], ['ACL', 'SAVE'], ['ACL', 'DELUSER', 'saved'], ['ACL', 'LOAD'], ['ACL', 'LIST']);
    expect(fs.readFileSync(ours, 'utf8')).toBe(fs.readFileSync(theirs, 'utf8'));
  });
});
