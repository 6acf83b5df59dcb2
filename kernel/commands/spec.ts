import * as fs from 'fs';
import * as path from 'path';
import type { KeyRef } from './keys';

/** Key spec, in the shape Redis 7.0 uses (COMMAND INFO, COMMAND GETKEYS, ACL key patterns). */
export interface KeySpec {
  notes?: string;
  flags: string[];
  begin_search: { index: { pos: number } } | { keyword: { keyword: string; startfrom: number } } | { unknown: null };
  find_keys:
    | { range: { lastkey: number; step: number; limit: number } }
    | { keynum: { keynumidx: number; firstkey: number; step: number } }
    | { unknown: null };
}

export interface ArgumentSpec {
  name: string;
  type: string;
  display_text?: string;
  key_spec_index?: number;
  token?: string;
  summary?: string;
  since?: string;
  flags?: string[];
  deprecated_since?: string;
  value?: string;
  optional?: boolean;
  multiple?: boolean;
  multiple_token?: boolean;
  arguments?: ArgumentSpec[];
}

/** Everything known about one command: dispatch, COMMAND INFO/DOCS and the docs derive from it. */
export interface CommandDefinition {
  /** Lower case; a subcommand is `container|sub`, e.g. `config|get`. */
  name: string;
  /** Redis arity: N means exactly N arguments including the name; -N means at least N. */
  arity: number;
  /** Redis command flags, lower case: write, readonly, denyoom, admin, pubsub, noscript, blocking, ... */
  flags: string[];
  /** ACL categories beyond those implied by the flags, lower case without '@'. */
  acl?: string[];
  keySpecs?: KeySpec[];
  /** Shorthand for a single key range: [first, last, step] (last -1 = to the end). */
  keys?: [number, number, number];
  group?: string;
  summary?: string;
  since?: string;
  complexity?: string;
  tips?: string[];
  docFlags?: string[];
  deprecatedSince?: string;
  replacedBy?: string;
  history?: [string, string][];
  arguments?: ArgumentSpec[];
  /**
   * Redis's getkeys_proc: the key arguments of `argv` when the key specs cannot find them (a
   * spec with an unknown search, e.g. SORT's STORE), each with the spec that describes it.
   */
  getKeys?: (argv: string[], specs: KeySpec[]) => KeyRef[];
}

interface RedisJson {
  summary?: string;
  complexity?: string;
  group?: string;
  since?: string;
  arity: number;
  container?: string;
  history?: [string, string][];
  doc_flags?: string[];
  deprecated_since?: string;
  replaced_by?: string;
  command_flags?: string[];
  acl_categories?: string[];
  command_tips?: string[];
  key_specs?: Array<{
    notes?: string;
    flags?: string[];
    begin_search: { index?: { pos: number }; keyword?: { keyword: string; startfrom: number }; unknown?: null };
    find_keys: {
      range?: { lastkey: number; step: number; limit: number };
      keynum?: { keynumidx: number; firstkey: number; step: number };
      unknown?: null;
    };
  }>;
  arguments?: ArgumentSpec[];
}

/** Beside this file in the sources: one JSON file per command, as Redis ships them. */
const SPEC_DIR = path.join(__dirname, 'redis-7.0');
/** Beside the compiled file: all of them in one JSON object, written by the build (bundleRedisSpecs). */
const SPEC_BUNDLE = path.join(__dirname, 'redis-7.0.json');

/** Every command's metadata in `dir`, by full name ('get', 'config|get'): what the build bundles. */
export function bundleRedisSpecs(dir: string = SPEC_DIR): Record<string, RedisJson> {
  const out: Record<string, RedisJson> = {};
  for (const f of fs.readdirSync(dir).sort()) {
    if (!f.endsWith('.json')) continue;
    const doc = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as Record<string, RedisJson>;
    const [key, json] = Object.entries(doc)[0];
    out[(json.container ? `${json.container}|${key}` : key).toLowerCase()] = json;
  }
  return out;
}

let specs: Map<string, RedisJson> | null = null;

/** Read once per process: the bundle when built, else the separate files (tests from sources). */
function redisSpecs(): Map<string, RedisJson> {
  if (specs === null) {
    const all = fs.existsSync(SPEC_BUNDLE) ? (JSON.parse(fs.readFileSync(SPEC_BUNDLE, 'utf8')) as Record<string, RedisJson>) : bundleRedisSpecs();
    specs = new Map(Object.entries(all));
  }
  return specs;
}

/** Redis 7.0's own metadata for a command (`get`, `config|get`), or undefined if Redis has none. */
export function redisSpec(name: string): CommandDefinition | undefined {
  const lower = name.toLowerCase();
  const json = redisSpecs().get(lower);
  return json === undefined ? undefined : fromRedisJson(lower, json);
}

/** Every command and subcommand Redis 7.0 has, by full name. */
export function allRedisCommandNames(): string[] {
  return [...redisSpecs().keys()].sort();
}

function fromRedisJson(name: string, j: RedisJson): CommandDefinition {
  return {
    name,
    arity: j.arity,
    flags: (j.command_flags ?? []).map((f) => f.toLowerCase()),
    acl: (j.acl_categories ?? []).map((c) => c.toLowerCase()),
    keySpecs: (j.key_specs ?? []).map((k) => ({
      ...(k.notes !== undefined ? { notes: k.notes } : {}),
      flags: k.flags ?? [],
      begin_search: k.begin_search.index
        ? { index: k.begin_search.index }
        : k.begin_search.keyword
          ? { keyword: k.begin_search.keyword }
          : { unknown: null },
      find_keys: k.find_keys.range
        ? { range: k.find_keys.range }
        : k.find_keys.keynum
          ? { keynum: k.find_keys.keynum }
          : { unknown: null },
    })),
    // Redis names its groups with dashes in replies ("sorted-set"); the JSON uses underscores.
    group: j.group?.replace(/_/g, '-'),
    summary: j.summary,
    since: j.since,
    complexity: j.complexity,
    tips: (j.command_tips ?? []).map((t) => t.toLowerCase()),
    docFlags: (j.doc_flags ?? []).map((f) => f.toLowerCase()),
    deprecatedSince: j.deprecated_since,
    replacedBy: j.replaced_by,
    history: j.history,
    arguments: j.arguments?.map(lowerNames),
  };
}

/** Redis's generated command table lower-cases argument names (COMMAND DOCS shows `bcast`). */
function lowerNames(a: ArgumentSpec): ArgumentSpec {
  return { ...a, name: a.name.toLowerCase(), ...(a.arguments ? { arguments: a.arguments.map(lowerNames) } : {}) };
}

/** Complete a definition: Redis's spec for the name (when it has one) under what the author wrote. */
export function resolveDefinition(nameOrDef: string | (Partial<CommandDefinition> & { name: string })): CommandDefinition {
  const given = typeof nameOrDef === 'string' ? { name: nameOrDef } : nameOrDef;
  const name = given.name.toLowerCase();
  const base = redisSpec(name);
  const merged = { ...(base ?? {}), ...given, name } as Partial<CommandDefinition>;
  if (merged.arity === undefined) {
    throw new Error(`command '${name}' has no arity and Redis 7.0 has no such command: declare its metadata`);
  }
  if (given.keys !== undefined && given.keySpecs === undefined) {
    const [first, last, step] = given.keys;
    merged.keySpecs =
      first === 0
        ? []
        : [
            {
              flags: [],
              begin_search: { index: { pos: first } },
              find_keys: { range: { lastkey: last < 0 ? last : last - first, step, limit: 0 } },
            },
          ];
  }
  return {
    flags: [],
    acl: [],
    keySpecs: [],
    tips: [],
    docFlags: [],
    ...merged,
  } as CommandDefinition;
}
