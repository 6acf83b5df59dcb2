import { useCompat } from '../helpers/compat';

/** Sicily, as in Redis's documentation, plus a few far-away points. */
const SICILY = ['GEOADD', 'Sicily', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania'];
const WORLD = [
  'GEOADD', 'w',
  '13.361389', '38.115556', 'Palermo',
  '15.087269', '37.502669', 'Catania',
  '12.758489', '38.788135', 'edge1',
  '17.241510', '38.788135', 'edge2',
  '-122.4194', '37.7749', 'SF',
  '151.2093', '-33.8688', 'Sydney',
  '179.9999', '0.5', 'east',
  '-179.9999', '0.5', 'west',
  '0', '85.05112878', 'northpole',
  '0', '-85.05112878', 'southpole',
  '180', '85.05112878', 'corner',
  '-180', '-85.05112878', 'corner2',
  '0', '0', 'origin',
];

/** A grid of points around the antimeridian and near the poles. */
function grid(): string[] {
  const out = ['GEOADD', 'grid'];
  for (const lon of [-180, -179.5, -179, 0, 179, 179.5, 180]) {
    for (const lat of [-85, -84.9, -60, 0, 60, 84.9, 85]) out.push(String(lon), String(lat), `p${lon}_${lat}`);
  }
  return out;
}

describe('geo vs redis-server 7.0', () => {
  const h = useCompat();

  it('GEOADD: NX, XX, CH, scores as ZADD stores them, and its errors', async () => {
    await h.same(
      SICILY,
      ['GEOADD', 'Sicily', '13.361389', '38.115556', 'Palermo'],
      ['GEOADD', 'Sicily', 'CH', '13.4', '38.115556', 'Palermo', '1', '2', 'new'],
      ['GEOADD', 'Sicily', 'NX', '13.5', '38.1', 'Palermo', '3', '4', 'nx'],
      ['GEOADD', 'Sicily', 'XX', '13.5', '38.1', 'Palermo', '3', '4', 'xx'],
      ['GEOADD', 'Sicily', 'xx', 'ch', '13.6', '38.1', 'Palermo', '13.6', '38.1', 'Palermo'],
      ['GEOADD', 'Sicily', 'NX', 'XX', '1', '2', 'a'],
      ['GEOADD', 'Sicily', 'GT', '1', '2', 'a'],
      ['GEOADD', 'Sicily', '1', '2'],
      ['GEOADD', 'Sicily', 'CH', 'CH', 'CH'],
      ['GEOADD', 'Sicily', '1', '2', 'a', '3'],
      ['GEOADD', 'Sicily', 'abc', '2', 'a'],
      ['GEOADD', 'Sicily', '1', 'nan', 'a'],
      ['GEOADD', 'Sicily', '1', '2', 'ok', '181', '2', 'bad'],
      ['GEOADD', 'Sicily', '-180.0001', '0', 'bad'],
      ['GEOADD', 'Sicily', '0', '85.05112879', 'bad'],
      ['GEOADD', 'Sicily', '1e300', '-1e300', 'bad'],
      ['GEOADD', 'Sicily', 'inf', '0', 'bad'],
      ['GEOADD', 'Sicily', '0', '-inf', 'bad'],
      ['GEOADD', 'nokey', 'XX', '1', '2', 'a'],
      ['EXISTS', 'nokey'],
      ['GEOADD', 'Sicily'],
      ['ZRANGE', 'Sicily', '0', '-1', 'WITHSCORES'],
      ['SET', 's', 'v'],
      ['GEOADD', 's', '1', '2', 'a'],
      ['GEOADD', 's', '1', 'x', 'a'],
      WORLD,
      ['ZRANGE', 'w', '0', '-1', 'WITHSCORES'],
      grid(),
      ['ZRANGE', 'grid', '0', '-1', 'WITHSCORES'],
      ['GEOADD', 'bin', '1', '2', 'a\x00b\r\n\xff'],
      ['GEOPOS', 'bin', 'a\x00b\r\n\xff'],
    );
  });

  it('coordinates and radii are read as strtod reads them: every number form, and what it refuses', async () => {
    const forms = ['13.361389', '+13.361389', '13.361389000000000000001', '1336.1389e-2', '.5', '5.', '1.e1', '0x1.ap3', '-0', '00013.5', '1e-330', '4.9e-324', '13_3', ' 13', '13 ', '1e', '.', '-', 'inf', '0x', '13.3.3'];
    const cmds: string[][] = [];
    forms.forEach((f, i) => cmds.push(['GEOADD', 'g', f, '38.115556', `lon${i}`], ['GEOADD', 'g', '15', f, `lat${i}`]));
    cmds.push(['ZRANGE', 'g', '0', '-1', 'WITHSCORES'], ['GEOPOS', 'g', 'lon0', 'lon1', 'lon3', 'lon7']);
    for (const r of ['10', '1e1', '0x10', '.5', '1e400', 'inf', '-0', '-1', 'x', '']) {
      cmds.push(['GEOSEARCH', 'g', 'FROMLONLAT', '13.36', '38.11', 'BYRADIUS', r, 'km', 'ASC']);
      cmds.push(['GEOSEARCH', 'g', 'FROMLONLAT', '13.36', '38.11', 'BYBOX', r, '100', 'km', 'ASC']);
    }
    await h.same(...cmds);
  });

  it('GEOPOS, GEOHASH and GEODIST in both protocols', async () => {
    const cmds = [
      SICILY,
      WORLD,
      ['GEOPOS', 'Sicily', 'Palermo', 'nope', 'Catania'],
      ['GEOPOS', 'w', 'east', 'west', 'northpole', 'southpole', 'corner', 'corner2', 'origin'],
      ['GEOPOS', 'nokey', 'a', 'b'],
      ['GEOPOS', 'Sicily'],
      ['GEOHASH', 'Sicily', 'Palermo', 'Catania', 'nope'],
      ['GEOHASH', 'w', 'east', 'west', 'northpole', 'southpole', 'corner', 'corner2', 'origin', 'SF', 'Sydney'],
      ['GEOHASH', 'nokey', 'a'],
      ['GEOHASH', 'Sicily'],
      ['GEODIST', 'Sicily', 'Palermo', 'Catania'],
      ['GEODIST', 'Sicily', 'Palermo', 'Catania', 'km'],
      ['GEODIST', 'Sicily', 'Palermo', 'Catania', 'MI'],
      ['GEODIST', 'Sicily', 'Palermo', 'Catania', 'Ft'],
      ['GEODIST', 'Sicily', 'Palermo', 'Catania', 'yards'],
      ['GEODIST', 'Sicily', 'Palermo', 'Catania', 'km', 'x'],
      ['GEODIST', 'Sicily', 'Palermo', 'nope'],
      ['GEODIST', 'Sicily', 'Palermo', 'Palermo'],
      ['GEODIST', 'nokey', 'a', 'b'],
      ['GEODIST', 'nokey', 'a', 'b', 'parsec'],
      ['GEODIST', 'w', 'east', 'west'],
      ['GEODIST', 'w', 'northpole', 'southpole', 'km'],
      ['GEODIST', 'w', 'SF', 'Sydney', 'mi'],
      ['GEODIST', 'w', 'corner', 'corner2'],
      ['GEODIST', 'Sicily', 'Palermo'],
      ['SET', 's', 'v'],
      ['GEOPOS', 's', 'a'],
      ['GEOHASH', 's', 'a'],
      ['GEODIST', 's', 'a', 'b'],
      ['ZADD', 'z', '-1', 'neg', '0', 'zero', '1.5', 'frac', '4503599627370496', 'big', '1e20', 'huge', 'inf', 'inf', '-inf', 'minf'],
      ['GEOPOS', 'z', 'neg', 'zero', 'frac', 'big', 'huge', 'inf', 'minf'],
      ['GEOHASH', 'z', 'neg', 'zero', 'frac', 'big', 'huge', 'inf', 'minf'],
      ['GEODIST', 'z', 'zero', 'big'],
    ];
    await h.same(...cmds);
    await h.same3(...cmds);
  });

  it('GEOSEARCH: FROMMEMBER/FROMLONLAT, BYRADIUS/BYBOX, ASC/DESC, COUNT [ANY], WITH* in both protocols', async () => {
    const cmds = [
      SICILY,
      ['GEOADD', 'Sicily', '12.758489', '38.788135', 'edge1', '17.241510', '38.788135', 'edge2'],
      ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'ASC'],
      ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'DESC'],
      ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYBOX', '400', '400', 'km', 'ASC', 'WITHCOORD', 'WITHDIST', 'WITHHASH'],
      ['GEOSEARCH', 'Sicily', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '300', 'KM', 'WITHDIST'],
      ['GEOSEARCH', 'Sicily', 'FROMMEMBER', 'Palermo', 'BYBOX', '200', '100', 'mi', 'DESC', 'WITHHASH'],
      ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '500', 'km', 'COUNT', '2'],
      ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '500', 'km', 'COUNT', '2', 'DESC'],
      ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '500', 'km', 'COUNT', '1', 'ANY'],
      ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '500', 'km', 'COUNT', '3', 'ANY', 'ASC'],
      ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '500', 'km', 'COUNT', '100', 'WITHDIST'],
      ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '0', 'm'],
      ['GEOSEARCH', 'Sicily', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '0', 'm', 'WITHDIST', 'WITHCOORD'],
      ['GEOSEARCH', 'Sicily', 'FROMMEMBER', 'Palermo', 'BYBOX', '0', '0', 'm', 'WITHDIST'],
      ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '1e9', 'km', 'ASC', 'WITHDIST'],
      ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '-165', '-37', 'BYRADIUS', '20000', 'km', 'ASC', 'WITHDIST'],
      ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYBOX', '1e9', '1e-3', 'km', 'ASC'],
      ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYBOX', '40000', '40000', 'km', 'ASC'],
      ['GEOSEARCH', 'nokey', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km'],
      ['GEOSEARCH', 'nokey', 'FROMMEMBER', 'x', 'BYRADIUS', '200', 'km'],
    ];
    await h.same(...cmds);
    await h.same3(...cmds);
  });

  it('GEOSEARCH across the antimeridian and near the poles', async () => {
    const cmds: string[][] = [grid()];
    for (const [lon, lat] of [['180', '0'], ['-180', '0'], ['179.9', '84.95'], ['0', '85'], ['-179.9', '-84.95'], ['90', '-85.05']]) {
      for (const r of ['1', '60', '200', '2000', '20000']) {
        cmds.push(['GEOSEARCH', 'grid', 'FROMLONLAT', lon, lat, 'BYRADIUS', r, 'km', 'ASC', 'WITHDIST']);
        cmds.push(['GEOSEARCH', 'grid', 'FROMLONLAT', lon, lat, 'BYBOX', r, String(Number(r) * 2), 'km', 'DESC', 'WITHDIST', 'WITHCOORD']);
      }
    }
    for (const m of ['p180_0', 'p-180_85', 'p179.5_-85', 'p0_84.9']) {
      cmds.push(['GEOSEARCH', 'grid', 'FROMMEMBER', m, 'BYRADIUS', '500', 'km', 'ASC', 'WITHHASH']);
      cmds.push(['GEORADIUSBYMEMBER', 'grid', m, '100', 'mi', 'WITHDIST', 'ASC']);
    }
    await h.same(...cmds);
  });

  it('GEORADIUS and GEORADIUSBYMEMBER, their _RO forms, STORE and STOREDIST', async () => {
    await h.same(
      SICILY,
      ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'WITHDIST', 'WITHCOORD', 'WITHHASH', 'ASC'],
      ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'COUNT', '1'],
      ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'COUNT', '1', 'ANY'],
      ['GEORADIUS_RO', 'Sicily', '15', '37', '200', 'km', 'DESC'],
      ['GEORADIUSBYMEMBER', 'Sicily', 'Palermo', '200', 'km', 'WITHDIST'],
      ['GEORADIUSBYMEMBER_RO', 'Sicily', 'Palermo', '200', 'km', 'WITHDIST', 'DESC'],
      ['GEORADIUSBYMEMBER', 'Sicily', 'nope', '200', 'km'],
      ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'STORE', 'dst'],
      ['ZRANGE', 'dst', '0', '-1', 'WITHSCORES'],
      ['GEORADIUS', 'Sicily', '15', '37', '1', 'km', 'STORE', 'dst'],
      ['EXISTS', 'dst'],
      ['GEORADIUSBYMEMBER', 'Sicily', 'Palermo', '200', 'km', 'STORE', 'dst2', 'COUNT', '1'],
      ['ZRANGE', 'dst2', '0', '-1', 'WITHSCORES'],
      ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'STOREDIST', 'dst3', 'ASC'],
      ['ZRANGE', 'dst3', '0', '-1'],
      ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'STORE', 'dst', 'WITHDIST'],
      ['GEORADIUS_RO', 'Sicily', '15', '37', '200', 'km', 'STORE', 'dst'],
      ['GEORADIUSBYMEMBER_RO', 'Sicily', 'Palermo', '200', 'km', 'STOREDIST', 'dst'],
      ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'STORE'],
      ['SET', 'str', 'v'],
      ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'STORE', 'str'],
      ['TYPE', 'str'],
      ['SET', 'str', 'v'],
      ['GEORADIUS', 'nokey', '15', '37', '200', 'km', 'STORE', 'str'],
      ['EXISTS', 'str'],
      ['GEORADIUS', 'nokey', '15', '37', '200', 'km'],
      ['GEORADIUSBYMEMBER', 'nokey', 'm', 'abc', 'parsec', 'WITHDIST'],
      ['GEORADIUSBYMEMBER', 'nokey', 'm', 'abc', 'parsec', 'bogus'],
      ['GEORADIUS', 'Sicily', '200', '37', '200', 'km'],
      ['GEORADIUS', 'Sicily', '15', '37', '-1', 'km'],
      ['GEORADIUS', 'Sicily', '15', '37', 'x', 'km'],
      ['GEORADIUS', 'Sicily', '15', '37', '1', 'parsec'],
      ['GEORADIUS', 'Sicily', '15', '37', '1', 'km', 'COUNT'],
      ['GEORADIUS', 'Sicily', '15', '37', '1', 'km', 'COUNT', '0'],
      ['GEORADIUS', 'Sicily', '15', '37', '1', 'km', 'COUNT', '-3'],
      ['GEORADIUS', 'Sicily', '15', '37', '1', 'km', 'COUNT', 'x'],
      ['GEORADIUS', 'Sicily', '15', '37', '1', 'km', 'ANY'],
      ['GEORADIUS', 'Sicily', '15', '37', '1', 'km', 'FROMMEMBER', 'Palermo'],
      ['GEORADIUS', 'Sicily', '15', '37', '1'],
    );
  });

  it('GEOSEARCHSTORE and the GEOSEARCH errors, in Redis order', async () => {
    await h.same(
      SICILY,
      ['GEOSEARCHSTORE', 'dst', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'ASC'],
      ['ZRANGE', 'dst', '0', '-1', 'WITHSCORES'],
      ['GEOSEARCHSTORE', 'dst', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'COUNT', '1', 'STOREDIST'],
      ['ZRANGE', 'dst', '0', '-1'],
      ['GEOSEARCHSTORE', 'dst', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '1', 'km'],
      ['EXISTS', 'dst'],
      ['GEOSEARCHSTORE', 'dst', 'nokey', 'FROMLONLAT', '15', '37', 'BYRADIUS', '1', 'km'],
      ['GEOSEARCHSTORE', 'dst', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'WITHDIST'],
      ['GEOSEARCHSTORE', 'dst', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'STORE', 'x'],
      ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'STOREDIST'],
      ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'STORE', 'x'],
      ['GEOSEARCH', 'Sicily', 'BYRADIUS', '200', 'km'],
      ['geosearch', 'Sicily', 'BYRADIUS', '200', 'km', 'ASC'],
      ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'ASC'],
      ['GeoSearch', 'Sicily', 'FROMMEMBER', 'Palermo', 'WITHDIST'],
      ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '1', 'km'],
      ['GEOSEARCH', 'Sicily', 'FROMMEMBER', 'Palermo', 'FROMLONLAT', '15', '37', 'BYRADIUS', '1', 'km'],
      ['GEOSEARCH', 'Sicily', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '1', 'km', 'BYBOX', '1', '1', 'km'],
      ['GEOSEARCH', 'Sicily', 'FROMMEMBER', 'Palermo', 'BYBOX', '1', '1', 'km', 'BYRADIUS', '1', 'km'],
      ['GEOSEARCH', 'Sicily', 'FROMMEMBER', 'nope', 'BYRADIUS', '1', 'km'],
      ['GEOSEARCH', 'nokey', 'FROMMEMBER', 'nope', 'BYRADIUS', '1', 'km'],
      ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '100', 'BYRADIUS', '1', 'km'],
      ['GEOSEARCH', 'Sicily', 'FROMLONLAT', 'x', '37', 'BYRADIUS', '1', 'km'],
      ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', 'x', 'km'],
      ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYBOX', 'x', '1', 'km'],
      ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYBOX', '1', 'x', 'km'],
      ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYBOX', '-1', '1', 'km'],
      ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYBOX', '1', '1', 'parsec'],
      ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYBOX', '1', '1'],
      ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '1', 'km', 'ANY'],
      ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '1', 'km', 'COUNT', '0', 'ANY'],
      ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '1', 'km', 'bogus'],
      ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37'],
      ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '1e999', 'km'],
      ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', 'inf', 'km'],
      ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYBOX', 'inf', '1', 'km'],
      ['GEOPOS', 'Sicily', 'Palermo'],
      ['SET', 's', 'v'],
      ['GEOSEARCH', 's', 'FROMLONLAT', '15', '37', 'BYRADIUS', '1', 'km'],
      ['GEOSEARCHSTORE', 'dst', 's', 'FROMLONLAT', '15', '37', 'BYRADIUS', '1', 'km'],
      ['GEOSEARCHSTORE', 's', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km'],
      ['TYPE', 's'],
      ['GEOSEARCH'],
      ['GEOSEARCHSTORE', 'a', 'b'],
    );
  });

  it("STOREDIST stores the distances Redis stores (to 12 significant digits here; geo-storedist.test.ts checks the last bit)", async () => {
    const searches = [
      ['GEOSEARCHSTORE', 'dst', 'w', 'FROMLONLAT', '15', '37', 'BYRADIUS', '30000', 'km', 'STOREDIST'],
      ['GEOSEARCHSTORE', 'dst', 'w', 'FROMMEMBER', 'east', 'BYRADIUS', '20000', 'mi', 'DESC', 'STOREDIST'],
      ['GEOSEARCHSTORE', 'dst', 'w', 'FROMLONLAT', '0', '0', 'BYBOX', '40000', '20000', 'km', 'COUNT', '5', 'STOREDIST'],
      ['GEOSEARCHSTORE', 'dst', 'grid', 'FROMLONLAT', '180', '0', 'BYRADIUS', '2000', 'km', 'STOREDIST'],
      ['GEOSEARCHSTORE', 'dst', 'grid', 'FROMMEMBER', 'p0_84.9', 'BYRADIUS', '3000000', 'm', 'STOREDIST'],
      ['GEOSEARCHSTORE', 'dst', 'grid', 'FROMLONLAT', '-179.9', '-84.95', 'BYBOX', '400', '400', 'km', 'STOREDIST'],
      ['GEORADIUS', 'grid', '179.5', '60', '500', 'km', 'STOREDIST', 'dst'],
      ['GEORADIUSBYMEMBER', 'w', 'Palermo', '50000', 'ft', 'STOREDIST', 'dst'],
      ['GEOSEARCHSTORE', 'dst', 'w', 'FROMMEMBER', 'origin', 'BYRADIUS', '0', 'km', 'STOREDIST'],
    ];
    const cmds = [SICILY, WORLD, grid()];
    for (const search of searches) cmds.push(search, ['ZRANGE', 'dst', '0', '-1', 'WITHSCORES']);
    const { ferrous, redis } = await h.both(cmds);
    const parse = (reply: string) => reply.split('\r\n').filter((_, i) => i % 2 === 0 && i > 0);
    const digits = (s: string) => Number(s).toPrecision(12);
    expect(ferrous.slice(0, 3)).toEqual(redis.slice(0, 3));
    for (let k = 3; k < cmds.length; k += 2) {
      // The same count, then the same members, in the same order, with the same distances.
      expect(ferrous[k]).toEqual(redis[k]);
      const f = parse(ferrous[k + 1]);
      const r = parse(redis[k + 1]);
      expect(f.length).toBeGreaterThan(0);
      expect(f.filter((_, i) => i % 2 === 0)).toEqual(r.filter((_, i) => i % 2 === 0));
      expect(f.filter((_, i) => i % 2 === 1).map(digits)).toEqual(r.filter((_, i) => i % 2 === 1).map(digits));
    }
  });

  it('random point clouds and searches give the same replies', async () => {
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let round = 0; round < 6; round++) {
      const cx = rnd() * 360 - 180;
      const cy = rnd() * 170 - 85;
      const spread = [0.01, 0.5, 5, 60, 400, 2][round];
      const add = ['GEOADD', 'g'];
      for (let i = 0; i < 200; i++) {
        const x = ((((cx + (rnd() - 0.5) * spread + 180) % 360) + 360) % 360) - 180;
        const y = Math.max(-85.05, Math.min(85.05, cy + (rnd() - 0.5) * spread));
        add.push(x.toFixed(6), y.toFixed(6), `m${i}`);
      }
      const cmds = [add];
      for (let q = 0; q < 25; q++) {
        const r = ((rnd() * spread * 111) / 2).toFixed(3);
        const from = rnd() < 0.5 ? ['FROMMEMBER', `m${Math.floor(rnd() * 200)}`] : ['FROMLONLAT', cx.toFixed(4), cy.toFixed(4)];
        const by = rnd() < 0.5 ? ['BYRADIUS', r, 'km'] : ['BYBOX', r, (Number(r) * rnd() * 2).toFixed(3), 'km'];
        const opts = rnd() < 0.5 ? ['ASC', 'WITHDIST', 'WITHCOORD', 'WITHHASH'] : ['DESC', 'COUNT', '5'];
        cmds.push(['GEOSEARCH', 'g', ...from, ...by, ...opts]);
        cmds.push(['GEOSEARCHSTORE', 'dst', 'g', ...from, ...by, 'ASC']);
        cmds.push(['ZRANGE', 'dst', '0', '-1', 'WITHSCORES']);
      }
      await h.same(...cmds);
    }
  });

  it('searches in dense point sets, where a box is read as ranges of its sub-cells spanning many leaves', async () => {
    // mulberry32: successive outputs uncorrelated (an LCG's put the points on a lattice).
    let seed = 11;
    const rnd = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    // 20,000 points in 2 x 2 degrees around (10, 47), and 3,000 straddling the antimeridian at 70 N.
    const cmds: string[][] = [];
    for (let b = 0; b < 10; b++) {
      const add = ['GEOADD', 'dense'];
      for (let i = 0; i < 2000; i++) add.push((9 + rnd() * 2).toFixed(6), (46 + rnd() * 2).toFixed(6), `d${b}:${i}`);
      cmds.push(add);
    }
    const anti = ['GEOADD', 'anti'];
    for (let i = 0; i < 3000; i++) anti.push((rnd() < 0.5 ? 179 + rnd() : -180 + rnd()).toFixed(6), (69.5 + rnd()).toFixed(6), `a${i}`);
    cmds.push(anti);
    for (let q = 0; q < 60; q++) {
      const [key, lon, lat] = q % 3 === 2 ? ['anti', (rnd() < 0.5 ? 179.8 + rnd() * 0.2 : -180 + rnd() * 0.2).toFixed(5), (69.6 + rnd() * 0.8).toFixed(5)] : ['dense', (9.2 + rnd() * 1.6).toFixed(5), (46.2 + rnd() * 1.6).toFixed(5)];
      const size = (0.05 + rnd() * (q % 4 === 0 ? 60 : 8)).toFixed(3);
      const by = rnd() < 0.5 ? ['BYRADIUS', size, 'km'] : ['BYBOX', size, (Number(size) * (0.2 + rnd() * 2)).toFixed(3), 'km'];
      const opts = [['ASC', 'WITHDIST'], ['DESC', 'COUNT', '7'], ['COUNT', '5', 'ANY'], ['WITHCOORD', 'WITHHASH'], []][q % 5];
      cmds.push(['GEOSEARCH', key, 'FROMLONLAT', lon, lat, ...by, ...opts]);
    }
    await h.same(...cmds);
  });

  it('orders equal and nearly equal distances as Redis does: repeated points, points on a circle, COUNT', async () => {
    // 600 points on a circle of about 5 km around (2, 48) (distances equal to a few digits), and
    // 300 copies of six points (distances exactly equal).
    const ring = ['GEOADD', 'ring'];
    for (let i = 0; i < 600; i++) {
      const a = (i * 2 * Math.PI) / 600;
      ring.push((2 + 0.066 * Math.cos(a)).toFixed(6), (48 + 0.045 * Math.sin(a)).toFixed(6), `r${i}`);
    }
    const copies = ['GEOADD', 'copies'];
    for (let i = 0; i < 300; i++) copies.push(['2.01', '2.02', '1.99', '2', '2.0101', '1.98'][i % 6], ['48', '48.01', '47.99', '48.02', '48', '47.995'][i % 6], `c${i}`);
    const cmds = [ring, copies];
    for (const key of ['ring', 'copies']) {
      for (const order of ['ASC', 'DESC']) {
        cmds.push(['GEOSEARCH', key, 'FROMLONLAT', '2', '48', 'BYRADIUS', '20', 'km', order, 'WITHDIST']);
        cmds.push(['GEOSEARCH', key, 'FROMLONLAT', '2', '48', 'BYBOX', '30', '30', 'km', order]);
        cmds.push(['GEORADIUS', key, '2.001', '48.001', '6', 'km', order]);
        // COUNT below the points found: Redis's partial quicksort orders the ties.
        for (const count of ['1', '5', '7', '40', '41', '299']) {
          cmds.push(['GEOSEARCH', key, 'FROMLONLAT', '2', '48', 'BYRADIUS', '20', 'km', order, 'COUNT', count, 'WITHDIST']);
          cmds.push(['GEOSEARCHSTORE', 'dst', key, 'FROMLONLAT', '2.003', '48', 'BYBOX', '30', '30', 'km', order, 'COUNT', count]);
          cmds.push(['ZRANGE', 'dst', '0', '-1']);
        }
      }
    }
    await h.same(...cmds);
  });
});
