import { useRecorder, useServer } from '../../helpers/fixtures';

/** The geo commands through real clients, their events and propagation, and sorted-set interplay. */
describe('geo', () => {
  const f = useServer();
  const rec = useRecorder(f);

  it('GEOADD stores sorted-set members scored by geohash; ZSCORE and ZRANGE see them', async () => {
    expect(await f.io.geoadd('Sicily', 13.361389, 38.115556, 'Palermo', 15.087269, 37.502669, 'Catania')).toBe(2);
    expect(await f.io.type('Sicily')).toBe('zset');
    expect(await f.io.zscore('Sicily', 'Palermo')).toBe('3479099956230698');
    expect(await f.io.zrange('Sicily', 0, -1)).toEqual(['Palermo', 'Catania']);
    expect(await f.io.call('OBJECT', 'ENCODING', 'Sicily')).toBe('listpack');
    // A member added with ZADD at a geohash score is a point too.
    await f.io.zadd('Sicily', '3479447370796909', 'copy');
    expect(await f.io.geodist('Sicily', 'Catania', 'copy')).toBe('0.0000');
  });

  it('GEOADD fires zadd and propagates as ZADD (with its options) only when something changed', async () => {
    await f.raw.call('GEOADD', 'g', 'CH', '13.361389', '38.115556', 'Palermo');
    await f.raw.call('GEOADD', 'g', '13.361389', '38.115556', 'Palermo');
    await f.raw.call('GEOADD', 'g', 'XX', '1', '2', 'missing');
    expect(rec.events).toEqual(['z:zadd:g']);
    expect(rec.propagated).toEqual([['ZADD', 'g', 'CH', '3479099956230698', 'Palermo']]);
  });

  it('GEOSEARCHSTORE and GEORADIUS STORE fire their events, overwrite any type and drop the TTL', async () => {
    await f.io.geoadd('g', 13.361389, 38.115556, 'Palermo', 15.087269, 37.502669, 'Catania');
    await f.io.set('dst', 'string', 'EX', 100);
    rec.events = [];
    expect(await f.io.call('GEOSEARCHSTORE', 'dst', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'STOREDIST')).toBe(2);
    expect(await f.io.ttl('dst')).toBe(-1);
    expect(await f.io.call('GEORADIUS', 'g', '15', '37', '200', 'km', 'STORE', 'dst2')).toBe(2);
    expect(await f.io.call('GEORADIUS', 'g', '15', '37', '1', 'm', 'STORE', 'dst2')).toBe(0);
    expect(rec.events).toEqual(['z:geosearchstore:dst', 'z:georadiusstore:dst2', 'g:del:dst2']);
    expect(await f.io.exists('dst2')).toBe(0);
  });

  it('node-redis in RESP3 reads coordinates as doubles and distances as strings', async () => {
    const c = await f.nodeRedis({ RESP: 3 });
    await c.sendCommand(['GEOADD', 'g', '13.361389', '38.115556', 'Palermo']);
    expect(await c.sendCommand(['GEOPOS', 'g', 'Palermo', 'nope'])).toEqual([[13.361389338970184, 38.1155563954963], null]);
    await c.sendCommand(['GEOADD', 'g', '13', '38', 'center']);
    const dist = await c.sendCommand(['GEODIST', 'g', 'center', 'Palermo', 'km']);
    const found = await c.sendCommand(['GEOSEARCH', 'g', 'FROMMEMBER', 'center', 'BYRADIUS', '100', 'km', 'WITHDIST', 'DESC']);
    expect(found).toEqual([['Palermo', dist], ['center', '0.0000']]);
  });

  it('binary members and keys round-trip', async () => {
    const key = 'k\x00\xff';
    const member = 'm\r\n\x00\xfe';
    expect(await f.raw.call('GEOADD', key, '1', '2', member)).toBe(':1\r\n');
    const reply = await f.raw.call('GEOSEARCH', key, 'FROMMEMBER', member, 'BYBOX', '1', '1', 'm');
    expect(reply).toBe(`*1\r\n$${member.length}\r\n${member}\r\n`);
  });

  it('WRONGTYPE for every command on a non-sorted-set key, and the key survives', async () => {
    await f.io.set('s', 'v');
    for (const cmd of [
      ['GEOADD', 's', '1', '2', 'a'],
      ['GEOPOS', 's', 'a'],
      ['GEOHASH', 's', 'a'],
      ['GEODIST', 's', 'a', 'b'],
      ['GEORADIUS', 's', '1', '2', '3', 'km'],
      ['GEORADIUS_RO', 's', '1', '2', '3', 'km'],
      ['GEORADIUSBYMEMBER', 's', 'a', '3', 'km'],
      ['GEORADIUSBYMEMBER_RO', 's', 'a', '3', 'km'],
      ['GEOSEARCH', 's', 'FROMLONLAT', '1', '2', 'BYRADIUS', '3', 'km'],
      ['GEOSEARCHSTORE', 'd', 's', 'FROMLONLAT', '1', '2', 'BYRADIUS', '3', 'km'],
    ]) {
      expect(await f.raw.call(...cmd)).toBe('-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
    }
    expect(await f.io.get('s')).toBe('v');
  });

  it('a search over many points finds exactly the points within the radius', async () => {
    const args: (string | number)[] = [];
    for (let i = 0; i < 2000; i++) args.push(10 + (i % 50) * 0.01, 45 + Math.floor(i / 50) * 0.01, `p${i}`);
    expect(await f.io.geoadd('many', ...args)).toBe(2000);
    const found = (await f.io.call('GEOSEARCH', 'many', 'FROMLONLAT', '10.25', '45.2', 'BYRADIUS', '5', 'km', 'WITHDIST', 'ASC')) as [string, string][];
    expect(found.length).toBeGreaterThan(50);
    for (const [, d] of found) expect(Number(d)).toBeLessThanOrEqual(5);
    const dists = found.map(([, d]) => Number(d));
    expect(dists).toEqual([...dists].sort((a, b) => a - b));
    // Every member not found is farther away than the radius.
    const inside = new Set(found.map(([m]) => m));
    for (let i = 0; i < 2000; i += 37) {
      if (inside.has(`p${i}`)) continue;
      await f.io.geoadd('many', '10.25', '45.2', 'center');
      expect(Number(await f.io.geodist('many', 'center', `p${i}`, 'KM'))).toBeGreaterThan(5);
    }
    expect(await f.io.call('GEOSEARCH', 'many', 'FROMLONLAT', '10.25', '45.2', 'BYRADIUS', '5', 'km', 'COUNT', '3', 'ANY')).toHaveLength(3);
  });
});
