import {
  type ArgumentSpec,
  type KeySpec,
  MapReply,
  type RegisteredCommand,
  type Reply,
  SetReply,
  StatusReply,
} from '../../kernel';

/** Command flags in the order Redis 7.0 lists them (may_replicate, sentinel, protected are hidden, as there). */
const FLAG_ORDER = [
  'write', 'readonly', 'denyoom', 'module', 'admin', 'pubsub', 'noscript', 'blocking', 'loading', 'stale',
  'skip_monitor', 'skip_slowlog', 'asking', 'fast', 'no_auth', 'no_mandatory_keys', 'no_async_loading', 'no_multi',
  'movablekeys', 'allow_busy',
];


/** Key-spec flags in Redis's order, spelled as it replies them. */
const KEY_FLAG_ORDER = ['RO', 'RW', 'OW', 'RM', 'access', 'update', 'insert', 'delete', 'not_key', 'incomplete', 'variable_flags'];

const status = (s: string): StatusReply => new StatusReply(s);

/** Order `items` by their rank in `order` (case-insensitively); unknown ones keep their place at the end. */
function ordered(items: Iterable<string>, order: string[]): string[] {
  const rank = (s: string): number => {
    const i = order.findIndex((o) => o.toLowerCase() === s.toLowerCase());
    return i < 0 ? order.length : i;
  };
  return [...items].sort((a, b) => rank(a) - rank(b)).map((s) => {
    const i = rank(s);
    return i < order.length ? order[i] : s;
  });
}


export function keySpecFlags(spec: KeySpec): string[] {
  return ordered(spec.flags, KEY_FLAG_ORDER);
}

function commandFlags(cmd: RegisteredCommand): StatusReply[] {
  const flags = new Set(cmd.def.flags.filter((f) => FLAG_ORDER.includes(f)));
  if (cmd.movableKeys) flags.add('movablekeys');
  return ordered(flags, FLAG_ORDER).map(status);
}

function keySpecReply(spec: KeySpec): MapReply {
  const out: Reply[] = [];
  if (spec.notes !== undefined) out.push('notes', spec.notes);
  out.push('flags', new SetReply(keySpecFlags(spec).map(status)));
  const bs = spec.begin_search;
  out.push(
    'begin_search',
    'index' in bs
      ? new MapReply(['type', 'index', 'spec', new MapReply(['index', bs.index.pos])])
      : 'keyword' in bs
        ? new MapReply(['type', 'keyword', 'spec', new MapReply(['keyword', bs.keyword.keyword, 'startfrom', bs.keyword.startfrom])])
        : new MapReply(['type', 'unknown', 'spec', new MapReply([])]),
  );
  const fk = spec.find_keys;
  out.push(
    'find_keys',
    'range' in fk
      ? new MapReply(['type', 'range', 'spec', new MapReply(['lastkey', fk.range.lastkey, 'keystep', fk.range.step, 'limit', fk.range.limit])])
      : 'keynum' in fk
        ? new MapReply(['type', 'keynum', 'spec', new MapReply(['keynumidx', fk.keynum.keynumidx, 'firstkey', fk.keynum.firstkey, 'keystep', fk.keynum.step])])
        : new MapReply(['type', 'unknown', 'spec', new MapReply([])]),
  );
  return new MapReply(out);
}

/** One COMMAND INFO entry, as Redis 7.0's addReplyCommandInfo. */
export function commandInfo(cmd: RegisteredCommand): Reply {
  const [first, last, step] = cmd.legacyKeys;
  return [
    cmd.name,
    cmd.def.arity,
    new SetReply(commandFlags(cmd)),
    first,
    last,
    step,
    new SetReply(cmd.categories.map((c) => status(`@${c}`))),
    new SetReply(cmd.def.tips ?? []),
    new SetReply((cmd.def.keySpecs ?? []).map(keySpecReply)),
    cmd.subcommands ? [...cmd.subcommands.values()].map(commandInfo) : new SetReply([]),
  ];
}

function argumentReply(a: ArgumentSpec): MapReply {
  const out: Reply[] = ['name', a.name, 'type', a.type];
  if (a.key_spec_index !== undefined) out.push('key_spec_index', a.key_spec_index);
  // Redis's table generator upper-cases tokens and turns the token `""` into an empty string.
  if (a.token) out.push('token', a.token === '""' ? '' : a.token.toUpperCase());
  if (a.summary) out.push('summary', a.summary);
  if (a.since) out.push('since', a.since);
  if (a.deprecated_since) out.push('deprecated_since', a.deprecated_since);
  const flags = (['optional', 'multiple', 'multiple_token'] as const).filter((f) => a[f] === true);
  if (flags.length > 0) out.push('flags', new SetReply(flags.map(status)));
  if (a.type === 'oneof' || a.type === 'block') out.push('arguments', (a.arguments ?? []).map(argumentReply));
  return new MapReply(out);
}

/** One COMMAND DOCS entry (the value of the map), as Redis 7.0's addReplyCommandDocs. */
export function commandDocs(cmd: RegisteredCommand): MapReply {
  const d = cmd.def;
  const out: Reply[] = [];
  if (d.summary) out.push('summary', d.summary);
  if (d.since) out.push('since', d.since);
  out.push('group', d.group ?? 'module');
  if (d.complexity) out.push('complexity', d.complexity);
  if (d.docFlags && d.docFlags.length > 0) out.push('doc_flags', new SetReply(d.docFlags.map(status)));
  if (d.deprecatedSince) out.push('deprecated_since', d.deprecatedSince);
  if (d.replacedBy) out.push('replaced_by', d.replacedBy);
  if (d.history && d.history.length > 0) out.push('history', new SetReply(d.history.map(([v, text]) => [v, text])));
  if (d.arguments && d.arguments.length > 0) out.push('arguments', d.arguments.map(argumentReply));
  if (cmd.subcommands) {
    const subs: Reply[] = [];
    for (const sub of cmd.subcommands.values()) subs.push(sub.name, commandDocs(sub));
    out.push('subcommands', new MapReply(subs));
  }
  return new MapReply(out);
}
