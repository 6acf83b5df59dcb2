import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ConfigError, startServer } from '../../kernel/bootstrap';
import { Config } from '../../kernel/config/config';
import { kernelParams } from '../../kernel/config/kernel-params';
import { type ConfigParam, formatValue, parseMemory, parseValue } from '../../kernel/config/params';

/** Parameters of every type, as a module would declare them. */
const moduleParams: ConfigParam[] = [
  { name: 'appendonly', type: 'bool', default: false, doc: 'bool' },
  { name: 'maxmemory', type: 'memory', default: 0, min: 0, max: 2 ** 53, doc: 'memory' },
  { name: 'maxmemory-policy', type: 'enum', default: 'noeviction', values: ['volatile-lru', 'allkeys-lru', 'noeviction'], doc: 'enum' },
  { name: 'replica-read-only', aliases: ['slave-read-only'], type: 'bool', default: true, doc: 'alias' },
  { name: 'save', type: 'string', default: '3600 1 300 100 60 10000', doc: 'string' },
  {
    name: 'list-max-listpack-size',
    aliases: ['list-max-ziplist-size'],
    type: 'int',
    default: -2,
    min: -2147483648,
    max: 2147483647,
    doc: 'int with alias',
  },
  { name: 'even', type: 'int', default: 2, validate: (v) => ((v as number) % 2 === 0 ? undefined : 'must be even'), doc: 'validated' },
];

function makeConfig(): Config {
  const c = new Config();
  c.define(kernelParams);
  c.define(moduleParams);
  return c;
}

describe('Config', () => {
  it('has the kernel defaults', () => {
    const c = new Config();
    c.define(kernelParams);
    expect(c.get('port')).toBe(6379);
    expect(c.get('bind')).toBe('* -::*');
    expect(c.get('databases')).toBe(16);
    expect(c.get('requirepass')).toBe('');
    expect(c.get('maxclients')).toBe(10000);
    expect(c.get('timeout')).toBe(0);
    expect(c.get('tcp-keepalive')).toBe(300);
    expect(c.get('proto-max-bulk-len')).toBe(512 * 1024 * 1024);
    expect(c.get('client-query-buffer-limit')).toBe(1024 * 1024 * 1024);
    expect(c.get('loglevel')).toBe('notice');
    expect(c.get('hz')).toBe(10);
    expect(c.get('loadmodule')).toEqual([]);
    c.validate();
  });

  it('every kernel parameter is documented and its default passes its own checks', () => {
    for (const p of kernelParams) {
      expect(p.doc.length).toBeGreaterThan(0);
      if (p.type === 'int' || p.type === 'memory') {
        expect(p.default as number).toBeGreaterThanOrEqual(p.min ?? -Infinity);
        expect(p.default as number).toBeLessThanOrEqual(p.max ?? Infinity);
      }
      if (p.type === 'enum') expect(p.values).toContain(p.default);
    }
  });

  it('refuses a parameter declared twice', () => {
    const c = makeConfig();
    expect(() => c.define([{ name: 'hz', type: 'int', default: 1, doc: 'again' }])).toThrow(/declared twice/);
  });

  it('finds parameters case-insensitively and by alias', () => {
    const c = makeConfig();
    expect(c.find('HZ')?.name).toBe('hz');
    expect(c.find('SLAVE-read-only')?.name).toBe('replica-read-only');
    expect(c.find('nosuch')).toBeUndefined();
  });

  it('keeps values set before a module declares its parameters', () => {
    const c = new Config();
    c.define(kernelParams);
    c.preset('appendonly', true);
    expect(c.applyDirective('hz', ['42'], true)).toBeUndefined();
    c.define(moduleParams);
    expect(c.get('appendonly')).toBe(true);
    expect(c.get('hz')).toBe(42);
  });

  describe('directives (config file lines and --flags)', () => {
    it('applies typed values', () => {
      const c = makeConfig();
      expect(c.applyDirective('port', ['6380'], true)).toBeUndefined();
      expect(c.applyDirective('PROTO-MAX-BULK-LEN', ['2mb'], true)).toBeUndefined();
      expect(c.applyDirective('appendonly', ['YES'], true)).toBeUndefined();
      expect(c.applyDirective('maxmemory-policy', ['AllKeys-LRU'], true)).toBeUndefined();
      expect(c.applyDirective('slave-read-only', ['no'], true)).toBeUndefined();
      expect(c.applyDirective('save', ['900', '1', '300', '10'], true)).toBeUndefined();
      expect(c.get('port')).toBe(6380);
      expect(c.get('proto-max-bulk-len')).toBe(2 * 1024 * 1024);
      expect(c.get('appendonly')).toBe(true);
      expect(c.get('maxmemory-policy')).toBe('allkeys-lru');
      expect(c.get('replica-read-only')).toBe(false);
      expect(c.get('save')).toBe('900 1 300 10');
    });

    it('accumulates list directives within a source and replaces them otherwise', () => {
      const c = makeConfig();
      c.applyDirective('loadmodule', ['./a'], true);
      c.applyDirective('loadmodule', ['./b'], true);
      expect(c.get('loadmodule')).toEqual(['./a', './b']);
      c.applyDirective('loadmodule', ['./c'], false);
      expect(c.get('loadmodule')).toEqual(['./c']);
    });

    it.each([
      ['nosuch', ['1'], 'Bad directive or wrong number of arguments'],
      ['port', ['1', '2'], 'wrong number of arguments'],
      ['port', ['abc'], "argument couldn't be parsed into an integer"],
      ['port', ['65536'], 'argument must be between 0 and 65535 inclusive'],
      ['hz', ['010'], "argument couldn't be parsed into an integer"],
      ['hz', ['+5'], "argument couldn't be parsed into an integer"],
      ['hz', ['-0'], "argument couldn't be parsed into an integer"],
      ['appendonly', ['maybe'], "argument must be 'yes' or 'no'"],
      ['loglevel', ['loud'], 'argument(s) must be one of the following: debug, verbose, notice, warning'],
      ['proto-max-bulk-len', ['1tb'], 'argument must be a memory value'],
      ['even', ['3'], 'must be even'],
    ])('%s %j -> %s', (name, args, error) => {
      expect(makeConfig().applyDirective(name, args, true)).toBe(error);
    });
  });

  describe('CONFIG SET (setMany)', () => {
    it('sets several parameters at once and tells the listeners', () => {
      const c = makeConfig();
      const seen: unknown[] = [];
      c.watch('hz', (v) => seen.push(v));
      expect(c.setMany([['hz', '20'], ['maxmemory', '1kb'], ['Slave-Read-Only', 'no']])).toBeUndefined();
      expect(c.get('hz')).toBe(20);
      expect(c.get('maxmemory')).toBe(1024);
      expect(c.get('replica-read-only')).toBe(false);
      expect(seen).toEqual([10, 20]);
    });

    it('caps hz to 1..500 as Redis does (CONFIG SET hz 0 / 501 answer OK, CONFIG GET shows 1 / 500)', () => {
      const c = makeConfig();
      const seen: unknown[] = [];
      c.watch('hz', (v) => seen.push(v));
      expect(c.setMany([['hz', '0']])).toBeUndefined();
      expect(c.match(['hz'])).toEqual([['hz', '1']]);
      expect(c.setMany([['hz', '501']])).toBeUndefined();
      expect(c.match(['hz'])).toEqual([['hz', '500']]);
      expect(c.applyDirective('hz', ['100000'], true)).toBeUndefined();
      expect(c.get('hz')).toBe(500);
      expect(seen).toEqual([10, 1, 500]);
    });

    it('is atomic: one bad pair and nothing changes, no listener fires', () => {
      const c = makeConfig();
      const seen: unknown[] = [];
      c.watch('hz', (v) => seen.push(v));
      expect(c.setMany([['hz', '20'], ['maxmemory', '1x']])).toBe("CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value");
      expect(c.get('hz')).toBe(10);
      expect(c.get('maxmemory')).toBe(0);
      expect(seen).toEqual([10]);
    });

    it('rolls back every value already applied when applying one fails, with the failure in Redis words', () => {
      const c = makeConfig();
      const seen: unknown[] = [];
      c.watch('hz', (v) => seen.push(v));
      c.watch('maxmemory', (v) => {
        if (v === 2048) throw new Error('Failed to apply');
      });
      expect(c.setMany([['hz', '20'], ['maxmemory', '2kb'], ['appendonly', 'yes']])).toBe(
        "CONFIG SET failed (possibly related to argument 'maxmemory') - Failed to apply",
      );
      expect([c.get('hz'), c.get('maxmemory'), c.get('appendonly')]).toEqual([10, 0, false]);
      // hz was applied, then put back: its listener saw both.
      expect(seen).toEqual([10, 20, 10]);
      expect(c.setMany([['hz', '30'], ['maxmemory', '1kb']])).toBeUndefined();
      expect([c.get('hz'), c.get('maxmemory')]).toEqual([30, 1024]);
    });

    // Texts checked against redis-server 7.0.15 (CONFIG SET replies, after "ERR ").
    it.each([
      [[['nosuch', '1']], "Unknown option or number of arguments for CONFIG SET - 'nosuch'"],
      [[['hz', '11'], ['HZ', '12']], "CONFIG SET failed (possibly related to argument 'HZ') - duplicate parameter"],
      [[['replica-read-only', 'yes'], ['slave-read-only', 'no']], "CONFIG SET failed (possibly related to argument 'slave-read-only') - duplicate parameter"],
      [[['databases', '3']], "CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config"],
      [[['hz', '1x']], "CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer"],
      [[['hz', '010']], "CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer"],
      [[['hz', '-0']], "CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer"],
      [[['timeout', '-1']], "CONFIG SET failed (possibly related to argument 'timeout') - argument must be between 0 and 2147483647 inclusive"],
      [[['appendonly', 'maybe']], "CONFIG SET failed (possibly related to argument 'appendonly') - argument must be 'yes' or 'no'"],
      [[['loglevel', 'foo']], "CONFIG SET failed (possibly related to argument 'loglevel') - argument(s) must be one of the following: debug, verbose, notice, warning"],
      [[['maxmemory', '-1']], "CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value"],
      [[['maxmemory', '1x']], "CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value"],
      [[['even', '7']], "CONFIG SET failed (possibly related to argument 'even') - must be even"],
      [[['maxclients', '0']], "CONFIG SET failed (possibly related to argument 'maxclients') - argument must be between 1 and 4294967295 inclusive"],
      [[['hz', '-1']], "CONFIG SET failed (possibly related to argument 'hz') - argument must be between 0 and 2147483647 inclusive"],
      [[['proto-max-bulk-len', '10']], "CONFIG SET failed (possibly related to argument 'proto-max-bulk-len') - argument must be between 1048576 and 9223372036854775807 inclusive"],
      [
        [['proto-max-bulk-len', '99999999999999999999']],
        "CONFIG SET failed (possibly related to argument 'proto-max-bulk-len') - argument must be between 1048576 and 9223372036854775807 inclusive",
      ],
      [
        [['client-query-buffer-limit', '10']],
        "CONFIG SET failed (possibly related to argument 'client-query-buffer-limit') - argument must be between 1048576 and 9223372036854775807 inclusive",
      ],
    ])('%j -> %s', (pairs, error) => {
      expect(makeConfig().setMany(pairs as [string, string][])).toBe(error);
    });
  });

  describe('CONFIG GET (match)', () => {
    it('echoes a plain name as typed, and lists a name matched twice once', () => {
      const c = makeConfig();
      expect(c.match(['PORT'])).toEqual([['PORT', '6379']]);
      expect(c.match(['hz', 'HZ'])).toEqual([['hz', '10']]);
      expect(c.match(['SLAVE-READ-ONLY'])).toEqual([['SLAVE-READ-ONLY', 'yes']]);
      expect(c.match(['replica-read-only', 'slave-read-only'])).toEqual([
        ['replica-read-only', 'yes'],
        ['slave-read-only', 'yes'],
      ]);
      expect(c.match(['nosuch'])).toEqual([]);
    });

    it('matches globs case-insensitively, under the canonical names and aliases', () => {
      const c = makeConfig();
      const names = (patterns: string[]) => c.match(patterns).map(([n]) => n).sort();
      expect(names(['*READ-ONLY*'])).toEqual(['replica-read-only', 'slave-read-only']);
      expect(names(['maxmemory*'])).toEqual(['maxmemory', 'maxmemory-policy']);
      expect(names(['?z'])).toEqual(['hz']);
      expect(names(['[hp]o*'])).toEqual(['port']);
      expect(names(['list-max-*', '*-size'])).toEqual(['list-max-listpack-size', 'list-max-ziplist-size']);
      // redis-server: CONFIG GET HZ *z lists hz once, as HZ.
      expect(names(['HZ', '*z'])).toEqual(['HZ']);
      const all = c.match(['*']);
      // rename-command is hidden, as in Redis.
      expect(all.length).toBe(kernelParams.filter((p) => p.hidden !== true).length + moduleParams.length + 2);
      expect(new Set(all.map(([n]) => n)).size).toBe(all.length);
    });

    it('shows values as Redis does: yes/no, numbers, list values joined', () => {
      const c = makeConfig();
      c.applyDirective('loadmodule', ['./a'], true);
      c.applyDirective('loadmodule', ['./b'], true);
      expect(Object.fromEntries(c.match(['appendonly', 'maxmemory', 'loglevel', 'loadmodule', 'list-max-ziplist-size']))).toEqual({
        appendonly: 'no',
        maxmemory: '0',
        loglevel: 'notice',
        loadmodule: './a ./b',
        'list-max-ziplist-size': '-2',
      });
    });
  });

  it('parseMemory follows memtoull', () => {
    expect(parseMemory('0')).toBe(0);
    expect(parseMemory('100')).toBe(100);
    expect(parseMemory('5b')).toBe(5);
    expect(parseMemory('1k')).toBe(1000);
    expect(parseMemory('1KB')).toBe(1024);
    expect(parseMemory('2m')).toBe(2000000);
    expect(parseMemory('2Mb')).toBe(2 * 1024 * 1024);
    expect(parseMemory('1g')).toBe(1e9);
    expect(parseMemory('1gb')).toBe(1024 ** 3);
    expect(parseMemory('')).toBe(0);
    expect(parseMemory('-1')).toBeNaN();
    expect(parseMemory('+1')).toBeNaN();
    expect(parseMemory(' 1')).toBeNaN();
    expect(parseMemory('1tb')).toBeNaN();
    expect(parseMemory('1.5mb')).toBeNaN();
  });

  it('parseValue and formatValue round-trip every type', () => {
    for (const p of [...kernelParams, ...moduleParams]) {
      const shown = formatValue(p, p.default);
      const back = parseValue(p, shown);
      expect({ name: p.name, back }).toEqual({ name: p.name, back: p.type === 'list' ? [shown] : p.default });
    }
  });
});

describe('configuration sources at start-up', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferrous-config-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  function file(name: string, text: string): string {
    const f = path.join(dir, name);
    fs.writeFileSync(f, text);
    return f;
  }

  it('reads a Redis-style file, then --flags, then options, later wins', async () => {
    const conf = file(
      'redis.conf',
      ['# a comment', '', 'port 0', 'bind 127.0.0.1', '  hz 20', 'databases 4', 'loglevel warning', 'proto-max-bulk-len 2mb', 'timeout 5', 'requirepass "s e c r e t"'].join('\n'),
    );
    const f = await startServer({ argv: [conf, '--hz', '30', '--maxclients', '77'], config: { timeout: 9, save: '', dir } });
    try {
      const c = f.server.config;
      expect(c.get('hz')).toBe(30);
      expect(c.get('maxclients')).toBe(77);
      expect(c.get('timeout')).toBe(9);
      expect(c.get('databases')).toBe(4);
      expect(c.get('requirepass')).toBe('s e c r e t');
      expect(f.server.keyspace.dbs.length).toBe(4);
      expect(f.server.parserLimits.maxBulkLen).toBe(2 * 1024 * 1024);
      expect(f.port).toBeGreaterThan(0);
      // CONFIG SET reaches the server's live settings.
      expect(c.setMany([['proto-max-bulk-len', '4mb']])).toBeUndefined();
      expect(f.server.parserLimits.maxBulkLen).toBe(4 * 1024 * 1024);
    } finally {
      await f.close();
    }
  });

  it('reports a bad line with its number and text', async () => {
    const conf = file('bad.conf', 'port 0\nbind 127.0.0.1\nhz 1x\n');
    const err = await startServer({ configFile: conf }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toBe("argument couldn't be parsed into an integer");
    expect((err as ConfigError).line).toBe(3);
    expect((err as ConfigError).text).toBe('hz 1x');
  });

  it('refuses an unknown directive and unbalanced quotes', async () => {
    const unknown = await startServer({ configFile: file('u.conf', 'port 0\nnosuchthing 1\n') }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(ConfigError);
    expect((unknown as ConfigError).message).toBe('Bad directive or wrong number of arguments');
    expect((unknown as ConfigError).line).toBe(2);
    const quotes = await startServer({ configFile: file('q.conf', 'requirepass "abc\n') }).catch((e: unknown) => e);
    expect(quotes).toBeInstanceOf(ConfigError);
    expect((quotes as ConfigError).message).toBe('Unbalanced quotes in configuration line');
  });

  it('refuses a missing config file with the path', async () => {
    const err = await startServer({ configFile: path.join(dir, 'missing.conf') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toMatch(/can't open config file '.*missing\.conf'/);
  });
});
