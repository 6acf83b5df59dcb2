import type { Ferrous } from '../../kernel/bootstrap';
import { CommandTable, type RegisteredCommand, Unresolved } from '../../kernel/commands/registry';
import { allRedisCommandNames, type ArgumentSpec, bundleRedisSpecs, type KeySpec, redisSpec, resolveDefinition } from '../../kernel/commands/spec';
import { startTestServer } from '../helpers/server';

/**
 * The registry keeps itself honest: every command the default modules register carries the
 * metadata COMMAND, COMMAND DOCS, ACL, key extraction and the docs are built from; and a
 * command Redis 7.0 also has keeps Redis's arity, flags, ACL categories and key specs.
 */

const COMMAND_FLAGS = new Set([
  'write', 'readonly', 'denyoom', 'module', 'admin', 'pubsub', 'noscript', 'blocking', 'loading', 'stale',
  'skip_monitor', 'skip_slowlog', 'asking', 'fast', 'no_auth', 'may_replicate', 'sentinel', 'only_sentinel',
  'no_mandatory_keys', 'protected', 'no_async_loading', 'no_multi', 'allow_busy', 'touches_arbitrary_keys',
]);
const KEY_SPEC_FLAGS = new Set(['RO', 'RW', 'OW', 'RM', 'ACCESS', 'UPDATE', 'INSERT', 'DELETE', 'NOT_KEY', 'INCOMPLETE', 'VARIABLE_FLAGS']);
const ARG_TYPES = new Set(['string', 'integer', 'double', 'key', 'pattern', 'unix-time', 'pure-token', 'oneof', 'block']);

function* walk(args: ArgumentSpec[] | undefined): Generator<ArgumentSpec> {
  for (const a of args ?? []) {
    yield a;
    yield* walk(a.arguments);
  }
}

function keySpecProblems(spec: KeySpec): string[] {
  const out: string[] = [];
  if (!Array.isArray(spec.flags)) return ['key spec flags is not an array'];
  for (const f of spec.flags) if (!KEY_SPEC_FLAGS.has(f)) out.push(`unknown key spec flag ${f}`);
  const bs = spec.begin_search as Record<string, unknown>;
  const fk = spec.find_keys as Record<string, unknown>;
  const bsKind = Object.keys(bs);
  const fkKind = Object.keys(fk);
  if (bsKind.length !== 1 || !['index', 'keyword', 'unknown'].includes(bsKind[0])) out.push(`bad begin_search ${JSON.stringify(bs)}`);
  if (fkKind.length !== 1 || !['range', 'keynum', 'unknown'].includes(fkKind[0])) out.push(`bad find_keys ${JSON.stringify(fk)}`);
  if ('index' in bs && !(Number.isInteger((bs.index as { pos: number }).pos) && (bs.index as { pos: number }).pos > 0)) out.push('begin_search index pos must be > 0');
  if ('range' in fk) {
    const r = fk.range as { lastkey: number; step: number; limit: number };
    if (![r.lastkey, r.step, r.limit].every(Number.isInteger) || r.step < 1) out.push(`bad range ${JSON.stringify(r)}`);
  }
  return out;
}

/** What is missing or inconsistent in one command's metadata. */
function problems(cmd: RegisteredCommand): string[] {
  const d = cmd.def;
  const out: string[] = [];
  if (d.name !== d.name.toLowerCase()) out.push('name is not lower case');
  if (cmd.parent !== null && d.name !== `${cmd.parent.name}|${d.name.split('|')[1]}`) out.push('subcommand name does not start with its container');
  if (!Number.isInteger(d.arity) || d.arity === 0) out.push(`arity ${d.arity}`);
  if (cmd.parent !== null && Math.abs(d.arity) < 2) out.push('a subcommand counts its container and itself in its arity');
  if (!Array.isArray(d.flags)) out.push('flags is not an array');
  else for (const f of d.flags) if (!COMMAND_FLAGS.has(f)) out.push(`unknown flag ${f}`);
  if (d.flags?.includes('write') && d.flags.includes('readonly')) out.push('both write and readonly');
  if (!Array.isArray(d.acl)) out.push('acl is not an array');
  if (typeof d.group !== 'string' || d.group === '') out.push('no group');
  if (typeof d.summary !== 'string' || d.summary === '') out.push('no summary');
  if (typeof d.since !== 'string' || !/^\d+\.\d+\.\d+$/.test(d.since)) out.push(`since ${JSON.stringify(d.since)}`);
  if (cmd.handler === null && cmd.subcommands === null) out.push('no handler');
  if (cmd.subcommands !== null && cmd.subcommands.size === 0) out.push('empty container');
  const specs = d.keySpecs;
  if (!Array.isArray(specs)) {
    out.push('keySpecs is not an array');
    return out;
  }
  for (const s of specs) out.push(...keySpecProblems(s));
  const referenced = new Set<number>();
  for (const a of walk(d.arguments)) {
    if (typeof a.name !== 'string' || !ARG_TYPES.has(a.type)) out.push(`argument ${JSON.stringify(a.name)} has type ${a.type}`);
    if (a.type === 'key' && a.key_spec_index === undefined) out.push(`key argument ${a.name} without key_spec_index`);
    if (a.key_spec_index !== undefined) {
      if (!Number.isInteger(a.key_spec_index) || a.key_spec_index < 0 || a.key_spec_index >= specs.length) {
        out.push(`argument ${a.name} refers to key spec ${a.key_spec_index} of ${specs.length}`);
      }
      referenced.add(a.key_spec_index);
    }
  }
  specs.forEach((s, i) => {
    if (!referenced.has(i) && !s.flags.includes('NOT_KEY')) out.push(`key spec ${i} is not referenced by any key argument`);
  });
  return out;
}

describe('the metadata checker itself', () => {
  it('reports what is missing or inconsistent', () => {
    const t = new CommandTable();
    const def = resolveDefinition({
      name: 'bad.cmd',
      arity: 0,
      flags: ['write', 'readonly', 'bogus'],
      keySpecs: [
        { flags: ['RW'], begin_search: { index: { pos: 1 } }, find_keys: { range: { lastkey: 0, step: 1, limit: 0 } } },
        { flags: ['WEIRD'], begin_search: { index: { pos: 0 } }, find_keys: { range: { lastkey: 0, step: 0, limit: 0 } } },
      ],
      arguments: [{ name: 'k', type: 'key' }, { name: 'n', type: 'number' }, { name: 'x', type: 'string', key_spec_index: 7 }],
    });
    const found = problems(t.register(def, null, 'test'));
    expect(found).toEqual(
      expect.arrayContaining([
        'arity 0',
        'unknown flag bogus',
        'both write and readonly',
        'no group',
        'no summary',
        'since undefined',
        'no handler',
        'unknown key spec flag WEIRD',
        'begin_search index pos must be > 0',
        'key argument k without key_spec_index',
        'argument "n" has type number',
        'argument x refers to key spec 7 of 2',
        'key spec 0 is not referenced by any key argument',
        'key spec 1 is not referenced by any key argument',
      ]),
    );
    // A container made only as a placeholder for a plugin's subcommand has no docs of its own.
    t.register(resolveDefinition({ name: 'acme|x', arity: 2, flags: [], summary: 's', group: 'module', since: '1.0.0' }), () => null, 'acme');
    expect(problems(t.lookup('acme')!)).toEqual(['no group', 'no summary', 'since undefined']);
    // Redis's own metadata passes.
    expect(problems(t.register(resolveDefinition('sort'), () => null, 'test'))).toEqual([]);
    expect(problems(t.register(resolveDefinition('migrate'), () => null, 'test'))).toEqual([]);
  });
});

describe('command lookup', () => {
  it('finds either case, and a command registered after a lookup missed it', () => {
    const t = new CommandTable();
    expect(t.lookup('sort')).toBeUndefined();
    const sort = t.register(resolveDefinition('sort'), () => null, 'test');
    expect(t.lookup('sort')).toBe(sort);
    expect(t.lookup('SORT')).toBe(sort);
    expect(t.lookup('SoRt')).toBe(sort);
    expect(t.lookup('migrate')).toBeUndefined();
    const migrate = t.register(resolveDefinition('migrate'), () => null, 'test');
    expect(t.lookup('migrate')).toBe(migrate);
    expect(t.lookup('sort')).toBe(sort);
  });
});

describe('command resolution (lookup + subcommand + arity, shared by dispatch, scripts, GETKEYS)', () => {
  it('resolves a command or a subcommand in either case, or says why not without allocating', () => {
    const t = new CommandTable();
    const get = t.register(resolveDefinition('get'), () => null, 'test');
    const config = t.register(resolveDefinition('config'), null, 'test');
    const configGet = t.register(resolveDefinition('config|get'), () => null, 'test');
    expect(t.resolve(['GET', 'k'])).toBe(get);
    expect(t.resolve(['config', 'GeT', '*'])).toBe(configGet);
    expect(t.resolve(['nope'])).toBe(Unresolved.UnknownCommand);
    expect(t.resolve(['config', 'nope'])).toBe(Unresolved.UnknownSubcommand);
    expect(t.failedAt).toBe(config);
    expect(t.resolve(['get'])).toBe(Unresolved.WrongArity);
    expect(t.failedAt).toBe(get);
    expect(t.resolve(['config'])).toBe(Unresolved.WrongArity);
    expect(t.failedAt).toBe(config);
    expect(t.resolve(['config', 'get'])).toBe(Unresolved.WrongArity);
    expect(t.failedAt).toBe(configGet);
  });
});

describe('command registry: metadata of every registered command', () => {
  let ferrous: Ferrous;
  let commands: RegisteredCommand[];
  beforeAll(async () => {
    ferrous = await startTestServer();
    commands = ferrous.server.commands.allWithSubcommands();
  });
  afterAll(async () => {
    await ferrous?.close();
  });

  it('registers commands, and only each name once', () => {
    expect(commands.length).toBeGreaterThan(20);
    const names = commands.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    for (const c of commands) expect(ferrous.server.commands.byFullName(c.name)).toBe(c);
  });

  it('every command and subcommand has complete, consistent metadata', () => {
    const bad = commands.map((c) => ({ command: c.name, module: c.module, problems: problems(c) })).filter((r) => r.problems.length > 0);
    expect(bad).toEqual([]);
  });

  it('commands Redis 7.0 also has keep its arity, flags, ACL categories and key specs', () => {
    const differ: Array<{ command: string; module: string; field: string; redis: unknown; ferrous: unknown }> = [];
    for (const c of commands) {
      const r = redisSpec(c.name);
      if (r === undefined) continue;
      const fields: Array<[string, unknown, unknown]> = [
        ['arity', r.arity, c.def.arity],
        ['flags', [...r.flags].sort(), [...c.def.flags].sort()],
        ['acl', [...(r.acl ?? [])].sort(), [...(c.def.acl ?? [])].sort()],
        ['keySpecs', r.keySpecs, c.def.keySpecs],
        ['group', r.group, c.def.group],
        ['since', r.since, c.def.since],
      ];
      for (const [field, redis, mine] of fields) {
        if (JSON.stringify(redis) !== JSON.stringify(mine)) differ.push({ command: c.name, module: c.module, field, redis, ferrous: mine });
      }
    }
    expect(differ).toEqual([]);
  });

  it('subcommands hang under their container; a container callable alone has a handler', () => {
    const bad: string[] = [];
    for (const c of commands) {
      if (c.subcommands === null) continue;
      for (const [key, sub] of c.subcommands) {
        if (sub.parent !== c || sub.name !== `${c.name}|${key}`) bad.push(`${c.name}: ${key} -> ${sub.name}`);
      }
      // Arity -1 (COMMAND): the container alone is a command of its own.
      if (c.def.arity === -1 && c.handler === null) bad.push(`${c.name}: callable alone but no handler`);
    }
    expect(bad).toEqual([]);
  });
});

describe("Redis's command metadata, bundled by the build", () => {
  it('the bundle holds every command file, by full name, as the server reads them', () => {
    const bundle = bundleRedisSpecs();
    expect(Object.keys(bundle)).toHaveLength(allRedisCommandNames().length);
    expect(Object.keys(bundle).length).toBeGreaterThan(380);
    expect(bundle['config|get'].arity).toBe(-3);
    expect(redisSpec('CONFIG|GET')?.arity).toBe(-3);
    expect(redisSpec('no-such-command')).toBeUndefined();
  });
});
