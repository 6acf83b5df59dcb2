import type { Database } from '../../../kernel';
import { useRecorder, useServer } from '../../helpers/fixtures';

describe('keys: RENAME, RENAMENX, MOVE, COPY, SWAPDB', () => {
  const srv = useServer();
  const rec = useRecorder(srv, { eventDb: true });
  const touched: string[] = [];
  let db0: Database;
  let db1: Database;

  beforeAll(() => {
    srv.server.hooks.onKeyModified((db, key) => touched.push(`${key}@${db.id}`));
    db0 = srv.server.keyspace.db(0);
    db1 = srv.server.keyspace.db(1);
  });
  beforeEach(() => {
    touched.length = 0;
  });

  describe('RENAME / RENAMENX', () => {
    it('moves the value and its TTL, replacing the destination', async () => {
      await srv.io.set('a', '1');
      await srv.io.set('b', '2');
      await srv.io.expire('a', 100);
      expect(await srv.io.rename('a', 'b')).toBe('OK');
      expect(await srv.io.get('b')).toBe('1');
      expect(await srv.io.exists('a')).toBe(0);
      expect(await srv.io.ttl('b')).toBe(100);
      expect(rec.events.filter((e) => e.startsWith('g:'))).toEqual(['g:expire:a@0', 'g:rename_from:a@0', 'g:rename_to:b@0']);
      expect(touched).toEqual(expect.arrayContaining(['a@0', 'b@0']));
    });

    it('drops the destination TTL when the source has none', async () => {
      await srv.io.set('a', '1');
      await srv.io.set('b', '2');
      await srv.io.expire('b', 100);
      await srv.io.rename('a', 'b');
      expect(await srv.io.ttl('b')).toBe(-1);
    });

    it('errors on a missing source, even with the same name', async () => {
      expect(await srv.raw.call('RENAME', 'nope', 'x')).toBe('-ERR no such key\r\n');
      expect(await srv.raw.call('RENAMENX', 'nope', 'x')).toBe('-ERR no such key\r\n');
      expect(await srv.raw.call('RENAME', 'nope', 'nope')).toBe('-ERR no such key\r\n');
    });

    it('same source and destination is a no-op', async () => {
      await srv.io.set('a', '1');
      await srv.io.expire('a', 100);
      expect(await srv.io.rename('a', 'a')).toBe('OK');
      expect(await srv.io.renamenx('a', 'a')).toBe(0);
      expect(await srv.io.get('a')).toBe('1');
      expect(await srv.io.ttl('a')).toBe(100);
    });

    it('RENAMENX refuses an existing destination', async () => {
      await srv.io.set('a', '1');
      await srv.io.set('b', '2');
      expect(await srv.io.renamenx('a', 'b')).toBe(0);
      expect(await srv.io.get('b')).toBe('2');
      expect(await srv.io.renamenx('a', 'c')).toBe(1);
      expect(await srv.io.get('c')).toBe('1');
      expect(await srv.io.exists('a')).toBe(0);
    });

    it('keeps the access time of the value', async () => {
      await srv.io.set('a', '1');
      db0.setStamp('a', srv.server.keyspace.stampIdle(50));
      await srv.io.rename('a', 'b');
      expect(Number(await srv.io.object('IDLETIME', 'b'))).toBeGreaterThanOrEqual(50);
    });

    it('binary names', async () => {
      expect(await srv.raw.call('SET', 'a\x00\r\n', 'v')).toBe('+OK\r\n');
      expect(await srv.raw.call('RENAME', 'a\x00\r\n', '\xff\x00')).toBe('+OK\r\n');
      expect(await srv.raw.call('GET', '\xff\x00')).toBe('$1\r\nv\r\n');
      expect(await srv.raw.call('RENAMENX', '\xff\x00', '\x00')).toBe(':1\r\n');
      expect(await srv.raw.call('EXISTS', '\xff\x00', 'a\x00\r\n', '\x00')).toBe(':1\r\n');
    });
  });

  describe('MOVE', () => {
    it('moves a key with its TTL to another database', async () => {
      await srv.io.set('k', 'v');
      await srv.io.expire('k', 100);
      expect(await srv.io.move('k', 1)).toBe(1);
      expect(await srv.io.exists('k')).toBe(0);
      expect(db1.peek('k')).toBe('v');
      expect(db1.getExpire('k')).toBeGreaterThan(Date.now());
      expect(rec.events.filter((e) => e.startsWith('g:'))).toEqual(['g:expire:k@0', 'g:move_from:k@0', 'g:move_to:k@1']);
      expect(touched).toEqual(expect.arrayContaining(['k@0', 'k@1']));
    });

    it('returns 0 when the key is missing or exists in the target', async () => {
      expect(await srv.io.move('nope', 1)).toBe(0);
      await srv.io.set('k', 'here');
      db1.set('k', 'there');
      expect(await srv.io.move('k', 1)).toBe(0);
      expect(await srv.io.get('k')).toBe('here');
      expect(db1.peek('k')).toBe('there');
    });

    it('errors like Redis', async () => {
      await srv.io.set('k', 'v');
      expect(await srv.raw.call('MOVE', 'k', '0')).toBe('-ERR source and destination objects are the same\r\n');
      expect(await srv.raw.call('MOVE', 'k', '16')).toBe('-ERR DB index is out of range\r\n');
      expect(await srv.raw.call('MOVE', 'k', '-1')).toBe('-ERR DB index is out of range\r\n');
      expect(await srv.raw.call('MOVE', 'k', 'x')).toBe('-ERR value is not an integer or out of range\r\n');
      expect(await srv.raw.call('MOVE', 'k', '2147483648')).toBe('-ERR value is out of range, value must between -2147483648 and 2147483647\r\n');
      expect(await srv.raw.call('MOVE', 'k')).toBe("-ERR wrong number of arguments for 'move' command\r\n");
      expect(await srv.raw.call('MOVE', 'nope', '0')).toBe('-ERR source and destination objects are the same\r\n');
    });

    it('moves binary keys', async () => {
      await srv.raw.call('SET', '\x00\xff', 'v');
      expect(await srv.raw.call('MOVE', '\x00\xff', '3')).toBe(':1\r\n');
      expect(srv.server.keyspace.db(3).peek('\x00\xff')).toBe('v');
    });
  });

  describe('COPY', () => {
    it('copies value and TTL, leaving the source', async () => {
      await srv.io.set('a', 'v');
      await srv.io.pexpire('a', 100000);
      expect(await srv.io.copy('a', 'b')).toBe(1);
      expect(await srv.io.get('b')).toBe('v');
      expect(await srv.io.get('a')).toBe('v');
      expect(await srv.io.pexpiretime('b')).toBe(await srv.io.pexpiretime('a'));
      expect(rec.events).toContain('g:copy_to:b@0');
    });

    it('needs REPLACE to overwrite', async () => {
      await srv.io.set('a', '1');
      await srv.io.set('b', '2');
      await srv.io.expire('b', 100);
      expect(await srv.io.copy('a', 'b')).toBe(0);
      expect(await srv.io.get('b')).toBe('2');
      expect(await srv.io.call('COPY', 'a', 'b', 'replace')).toBe(1);
      expect(await srv.io.get('b')).toBe('1');
      expect(await srv.io.ttl('b')).toBe(-1);
    });

    it('copies into another database with DB', async () => {
      await srv.io.set('a', '1');
      expect(await srv.io.call('COPY', 'a', 'a', 'DB', '2')).toBe(1);
      expect(srv.server.keyspace.db(2).peek('a')).toBe('1');
      expect(await srv.io.call('COPY', 'a', 'a', 'DB', '2')).toBe(0);
      expect(await srv.io.call('COPY', 'a', 'a', 'REPLACE', 'DB', '2')).toBe(1);
      expect(rec.events).toContain('g:copy_to:a@2');
      expect(await srv.io.call('COPY', 'missing', 'x', 'DB', '2')).toBe(0);
    });

    it('errors like Redis', async () => {
      await srv.io.set('a', '1');
      expect(await srv.raw.call('COPY', 'a', 'a')).toBe('-ERR source and destination objects are the same\r\n');
      expect(await srv.raw.call('COPY', 'a', 'a', 'DB', '0')).toBe('-ERR source and destination objects are the same\r\n');
      expect(await srv.raw.call('COPY', 'a', 'b', 'DB', '16')).toBe('-ERR DB index is out of range\r\n');
      expect(await srv.raw.call('COPY', 'a', 'b', 'DB', 'x')).toBe('-ERR value is not an integer or out of range\r\n');
      expect(await srv.raw.call('COPY', 'a', 'b', 'DB')).toBe('-ERR syntax error\r\n');
      expect(await srv.raw.call('COPY', 'a', 'b', 'foo')).toBe('-ERR syntax error\r\n');
      expect(await srv.raw.call('COPY', 'a')).toBe("-ERR wrong number of arguments for 'copy' command\r\n");
      expect(await srv.io.exists('b')).toBe(0);
    });

    it('deep-copies through the value type\'s clone, and TYPE / OBJECT / SCAN TYPE use the registered type', async () => {
      class Box {
        constructor(public items: string[]) {}
      }
      const types = srv.server.keyspace.types;
      if (types.byName('testbox') === undefined) {
        types.register({
          name: 'testbox',
          is: (v): v is Box => v instanceof Box,
          encoding: (v: Box) => (v.items.length > 2 ? 'big' : 'small'),
          clone: (v: Box) => new Box([...v.items]),
        });
      }
      const original = new Box(['x']);
      db0.set('box', original);
      expect(await srv.io.copy('box', 'box2')).toBe(1);
      const copied = db0.peek('box2') as Box;
      expect(copied).toBeInstanceOf(Box);
      expect(copied).not.toBe(original);
      copied.items.push('y', 'z');
      expect(original.items).toEqual(['x']);
      expect(await srv.io.type('box2')).toBe('testbox');
      expect(await srv.io.object('ENCODING', 'box')).toBe('small');
      expect(await srv.io.object('ENCODING', 'box2')).toBe('big');
      expect(await srv.io.object('REFCOUNT', 'box')).toBe(1);
      expect(await srv.io.call('SCAN', '0', 'TYPE', 'testbox', 'COUNT', '100')).toEqual(['0', expect.arrayContaining(['box', 'box2'])]);
      expect(await srv.io.call('SCAN', '0', 'TYPE', 'string', 'COUNT', '100')).toEqual(['0', []]);
    });

    it('copies binary keys', async () => {
      await srv.raw.call('SET', '\r\n', '\x00');
      expect(await srv.raw.call('COPY', '\r\n', '\xff')).toBe(':1\r\n');
      expect(await srv.raw.call('GET', '\xff')).toBe('$1\r\n\x00\r\n');
    });
  });

  describe('SWAPDB', () => {
    it('swaps two databases and signals their keys', async () => {
      await srv.io.set('in0', 'a');
      db1.set('in1', 'b');
      expect(await srv.io.swapdb(0, 1)).toBe('OK');
      expect(await srv.io.get('in1')).toBe('b');
      expect(await srv.io.exists('in0')).toBe(0);
      expect(db1.peek('in0')).toBe('a');
      expect(touched).toEqual(expect.arrayContaining(['in0@0', 'in0@1', 'in1@0', 'in1@1']));
      expect(await srv.io.swapdb(1, 1)).toBe('OK');
    });

    it('errors like Redis', async () => {
      expect(await srv.raw.call('SWAPDB', 'a', '1')).toBe('-ERR invalid first DB index\r\n');
      expect(await srv.raw.call('SWAPDB', '1', 'a')).toBe('-ERR invalid second DB index\r\n');
      expect(await srv.raw.call('SWAPDB', '0', '16')).toBe('-ERR DB index is out of range\r\n');
      expect(await srv.raw.call('SWAPDB', '-1', '0')).toBe('-ERR DB index is out of range\r\n');
      expect(await srv.raw.call('SWAPDB', '0')).toBe("-ERR wrong number of arguments for 'swapdb' command\r\n");
    });
  });
});
