import 'reflect-metadata';
import { Command, RedisModule, declaredCommands, moduleOptions } from '../../kernel/commands/decorators';
import { CmdFlag, CommandTable, RegisteredCommand } from '../../kernel/commands/registry';
import { allRedisCommandNames, redisSpec, resolveDefinition } from '../../kernel/commands/spec';
import legacyFixture from './fixtures/redis-7.0.15-legacy-keys.json';

/**
 * Recorded from redis-server 7.0.15 (`redis-cli --json COMMAND`, subcommands included):
 * name -> [arity, first key, last key, step, has the movablekeys flag].
 */
const legacy = legacyFixture as unknown as Record<string, [number, number, number, number, boolean]>;

function registered(name: string): RegisteredCommand {
  const def = redisSpec(name);
  if (def === undefined) throw new Error(`no Redis spec for ${name}`);
  return new RegisteredCommand(def, null, 'test', null);
}

describe('legacy key range derivation (populateCommandLegacyRangeSpec)', () => {
  // A readable sample: [name, first, last, step, movablekeys], as `COMMAND INFO <name>` shows.
  const sample: Array<[string, number, number, number, boolean]> = [
    ['get', 1, 1, 1, false],
    ['set', 1, 1, 1, false],
    ['mset', 1, -1, 2, false],
    ['del', 1, -1, 1, false],
    ['rename', 1, 2, 1, false],
    ['smove', 1, 2, 1, false],
    ['blpop', 1, -2, 1, false],
    ['blmove', 1, 2, 1, false],
    ['bitop', 2, -1, 1, false],
    ['zunionstore', 1, 1, 1, true],
    ['zrangestore', 1, 2, 1, false],
    ['sort', 1, 1, 1, true],
    ['eval', 0, 0, 0, true],
    ['fcall', 0, 0, 0, true],
    ['xread', 0, 0, 0, true],
    ['xreadgroup', 0, 0, 0, true],
    ['lmpop', 0, 0, 0, true],
    ['zdiff', 0, 0, 0, true],
    ['migrate', 3, 3, 1, true],
    ['georadius', 1, 1, 1, true],
    ['object|encoding', 2, 2, 1, false],
    ['memory|usage', 2, 2, 1, false],
    ['xgroup|create', 2, 2, 1, false],
    ['config|get', 0, 0, 0, false],
    ['command|getkeys', 0, 0, 0, false],
    ['ping', 0, 0, 0, false],
    ['spublish', 1, 1, 1, false],
  ];
  it.each(sample)('%s -> first %p last %p step %p movable %p', (name, first, last, step, movable) => {
    const cmd = registered(name);
    expect(cmd.legacyKeys).toEqual([first, last, step]);
    expect(cmd.movableKeys).toBe(movable);
    expect(legacy[name]).toEqual([cmd.def.arity, first, last, step, movable]);
  });

  it('matches redis-server for every command and subcommand it has', () => {
    const names = Object.keys(legacy);
    expect(names.length).toBeGreaterThan(350);
    const wrong: string[] = [];
    for (const name of names) {
      const def = redisSpec(name);
      if (def === undefined) {
        wrong.push(`${name}: no spec file`);
        continue;
      }
      const cmd = new RegisteredCommand(def, null, 'test', null);
      const got = [def.arity, ...cmd.legacyKeys, cmd.movableKeys];
      if (JSON.stringify(got) !== JSON.stringify(legacy[name])) wrong.push(`${name}: ${JSON.stringify(got)} != ${JSON.stringify(legacy[name])}`);
    }
    expect(wrong).toEqual([]);
  });

  it('every spec file names a command redis-server has (sentinel commands aside)', () => {
    const extra = allRedisCommandNames().filter((n) => !(n in legacy) && !n.startsWith('sentinel'));
    expect(extra).toEqual([]);
  });
});

describe('resolveDefinition', () => {
  it("takes Redis 7.0's metadata for a known name", () => {
    const def = resolveDefinition('GET');
    expect(def.name).toBe('get');
    expect(def.arity).toBe(2);
    expect(def.flags).toEqual(['readonly', 'fast']);
    expect(def.acl).toEqual(['string']);
    expect(def.group).toBe('string');
    expect(def.since).toBe('1.0.0');
    expect(def.summary).toBe('Get the value of a key');
    expect(def.keySpecs).toHaveLength(1);
    expect(def.arguments?.[0]).toMatchObject({ name: 'key', type: 'key', key_spec_index: 0 });
  });

  it('lets a declaration override single fields and keeps the rest', () => {
    const def = resolveDefinition({ name: 'get', summary: 'mine' });
    expect(def.summary).toBe('mine');
    expect(def.arity).toBe(2);
    expect(def.flags).toEqual(['readonly', 'fast']);
  });

  it('turns the keys shorthand into a key spec that derives back to the same range', () => {
    for (const keys of [
      [1, 1, 1],
      [1, -1, 1],
      [1, -1, 2],
      [2, 3, 1],
      [1, -2, 1],
    ] as [number, number, number][]) {
      const def = resolveDefinition({ name: 'plugin.cmd', arity: -2, flags: ['write'], keys });
      expect(def.keySpecs).toHaveLength(1);
      expect(new RegisteredCommand(def, null, 't', null).legacyKeys).toEqual(keys);
    }
    const none = resolveDefinition({ name: 'plugin.cmd', arity: 1, flags: [], keys: [0, 0, 0] });
    expect(none.keySpecs).toEqual([]);
    expect(new RegisteredCommand(none, null, 't', null).legacyKeys).toEqual([0, 0, 0]);
  });

  it('fills empty defaults for a new command and refuses one without arity', () => {
    const def = resolveDefinition({ name: 'Hello.Greet', arity: -1 });
    expect(def).toMatchObject({ name: 'hello.greet', arity: -1, flags: [], acl: [], keySpecs: [], tips: [], docFlags: [] });
    expect(() => resolveDefinition('nosuchcommand')).toThrow(/no arity/);
  });

  it('reads subcommand specs by full name', () => {
    const def = redisSpec('CONFIG|GET')!;
    expect(def.name).toBe('config|get');
    expect(def.arity).toBe(-3);
    expect(allRedisCommandNames()).toContain('config|get');
    expect(allRedisCommandNames()).toContain('config');
    expect(redisSpec('nosuch')).toBeUndefined();
  });
});

describe('CommandTable', () => {
  const noop = () => null;

  it('looks commands up in any case', () => {
    const t = new CommandTable();
    const get = t.register(resolveDefinition('get'), noop, 'strings');
    expect(t.lookup('get')).toBe(get);
    expect(t.lookup('GET')).toBe(get);
    expect(t.lookup('gEt')).toBe(get);
    expect(t.lookup('getx')).toBeUndefined();
    expect(t.byFullName('GET')).toBe(get);
    expect(t.all()).toEqual([get]);
  });

  it('precomputes flag bits', () => {
    const t = new CommandTable();
    const set = t.register(resolveDefinition('set'), noop, 'strings');
    const ping = t.register(resolveDefinition('ping'), noop, 'connection');
    expect(set.has(CmdFlag.Write)).toBe(true);
    expect(set.has(CmdFlag.DenyOom)).toBe(true);
    expect(set.has(CmdFlag.ReadOnly)).toBe(false);
    expect(ping.has(CmdFlag.Fast)).toBe(true);
    expect(ping.has(CmdFlag.Stale)).toBe(false);
    const info = t.register(resolveDefinition('info'), noop, 'server');
    expect(info.has(CmdFlag.Stale)).toBe(true);
    expect(info.has(CmdFlag.Loading)).toBe(true);
    expect(resolveDefinition('auth').flags).toContain('no_auth');
    expect(t.register(resolveDefinition('auth'), noop, 'connection').has(CmdFlag.NoAuth)).toBe(true);
  });

  it('refuses a command registered twice', () => {
    const t = new CommandTable();
    t.register(resolveDefinition('get'), noop, 'strings');
    expect(() => t.register(resolveDefinition('get'), noop, 'other')).toThrow(/registered twice \(modules strings and other\)/);
  });

  it('creates the container for subcommands from Redis metadata and finds subcommands by full name', () => {
    const t = new CommandTable();
    const get = t.register(resolveDefinition('config|get'), noop, 'server');
    const set = t.register(resolveDefinition('config|set'), noop, 'server');
    const config = t.lookup('CONFIG')!;
    expect(config.def.arity).toBe(-2);
    expect(config.def.summary).toBe('A container for server configuration commands');
    expect(config.handler).toBeNull();
    expect(config.subcommands?.get('get')).toBe(get);
    expect(get.parent).toBe(config);
    expect(t.byFullName('Config|Set')).toBe(set);
    expect(t.allWithSubcommands()).toEqual([config, get, set]);
    expect(() => t.register(resolveDefinition('config|get'), noop, 'server')).toThrow(/registered twice/);
    // A container handler (e.g. for CONFIG alone) may be attached afterwards.
    const handler = () => 'x';
    expect(t.register(resolveDefinition('config'), handler, 'server')).toBe(config);
    expect(config.handler).toBe(handler);
  });

  it('a plugin container declared after its subcommands keeps its own metadata', () => {
    const t = new CommandTable();
    const sub = t.register(resolveDefinition({ name: 'acme|status', arity: 2, flags: ['fast'], summary: 'Status.', group: 'module', since: '1.0.0' }), noop, 'acme');
    const placeholder = t.lookup('acme')!;
    expect(placeholder.def.summary).toBeUndefined();
    const container = t.register(
      resolveDefinition({ name: 'acme', arity: -2, flags: ['admin'], summary: 'Acme commands.', group: 'module', since: '1.0.0' }),
      noop,
      'acme',
    );
    expect(container).toBe(placeholder);
    expect(container.def.summary).toBe('Acme commands.');
    expect(container.has(CmdFlag.Admin)).toBe(true);
    expect(container.subcommands?.get('status')).toBe(sub);
    expect(sub.parent).toBe(container);
  });
});

describe('decorators', () => {
  @RedisModule({ name: 'demo', requires: ['keys'], defaults: { group: 'demo' } })
  class Demo {
    @Command('get')
    get(): null {
      return null;
    }
    @Command({ name: 'demo.echo', arity: 2, flags: ['fast'] })
    echo(): null {
      return null;
    }
  }

  it('only record metadata for the module loader', () => {
    expect(moduleOptions(Demo)).toEqual({ name: 'demo', requires: ['keys'], defaults: { group: 'demo' } });
    expect(declaredCommands(Demo)).toEqual([
      { method: 'get', declaration: 'get' },
      { method: 'echo', declaration: { name: 'demo.echo', arity: 2, flags: ['fast'] } },
    ]);
    expect(moduleOptions(class {})).toBeUndefined();
    expect(declaredCommands(class {})).toEqual([]);
  });
});
