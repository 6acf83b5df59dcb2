import { type CommandTable, type KeySpec, type RegisteredCommand, type Reply, ReplyError, SetReply, StatusReply } from '../../kernel';
import { keySpecFlags } from './command-info';

interface KeyRef {
  pos: number;
  spec: KeySpec;
}

const isNotKey = (s: KeySpec): boolean => s.flags.some((f) => f.toLowerCase() === 'not_key');

/** Redis's lookupCommand on an argument vector: a container's subcommand when one is named. */
function lookup(table: CommandTable, argv: string[]): RegisteredCommand | undefined {
  const base = table.lookup(argv[0]);
  if (base === undefined || argv.length === 1 || base.subcommands === null) return base;
  return base.subcommands.get(argv[1].toLowerCase());
}

/** getKeysUsingKeySpecs from Redis 7.0: the key positions, or null when a spec cannot be applied. */
function keysFromSpecs(cmd: RegisteredCommand, argv: string[]): KeyRef[] | null {
  const argc = argv.length;
  const out: KeyRef[] = [];
  for (const spec of cmd.def.keySpecs ?? []) {
    if (isNotKey(spec)) continue;
    let first = 0;
    const bs = spec.begin_search;
    if ('index' in bs) {
      first = bs.index.pos;
    } else if ('keyword' in bs) {
      const { keyword, startfrom } = bs.keyword;
      const start = startfrom > 0 ? startfrom : argc + startfrom;
      const end = startfrom > 0 ? argc - 1 : 0;
      for (let i = start; i !== end; i = start <= end ? i + 1 : i - 1) {
        if (i >= argc || i < 1) break;
        if (argv[i].toLowerCase() === keyword.toLowerCase()) {
          first = i + 1;
          break;
        }
      }
      if (first === 0) continue;
    } else {
      return null;
    }
    let last: number;
    let step: number;
    const fk = spec.find_keys;
    if ('range' in fk) {
      step = fk.range.step;
      if (fk.range.lastkey >= 0) last = first + fk.range.lastkey;
      else if (fk.range.limit === 0) last = argc + fk.range.lastkey;
      else last = first + (Math.trunc((argc - first) / fk.range.limit) + fk.range.lastkey);
    } else if ('keynum' in fk) {
      step = fk.keynum.step;
      if (fk.keynum.keynumidx >= argc - first) return null;
      const raw = argv[first + fk.keynum.keynumidx];
      if (!/^(0|-?[1-9]\d*)$/.test(raw) || Number(raw) < 0) return null;
      first += fk.keynum.firstkey;
      last = first + Number(raw) - 1;
    } else {
      return null;
    }
    if (last >= argc || last < first || first >= argc) return null;
    for (let i = first; i <= last; i += step) out.push({ pos: i, spec });
    if (spec.flags.some((f) => f.toLowerCase() === 'incomplete')) return null;
  }
  return out;
}

/** COMMAND GETKEYS / GETKEYSANDFLAGS <full command>. */
export function getKeys(table: CommandTable, argv: string[], withFlags: boolean): Reply {
  const target = argv.slice(2);
  const cmd = lookup(table, target);
  if (cmd === undefined) throw new ReplyError('ERR Invalid command specified');
  const specs = cmd.def.keySpecs ?? [];
  if (!specs.some((s) => !isNotKey(s))) throw new ReplyError('ERR The command has no key arguments');
  const arity = cmd.def.arity;
  if ((arity > 0 && arity !== target.length) || target.length < -arity) {
    throw new ReplyError('ERR Invalid number of arguments specified for command');
  }
  const keys = keysFromSpecs(cmd, target);
  if (keys === null || keys.length === 0) {
    if (cmd.def.flags.includes('no_mandatory_keys')) return [];
    throw new ReplyError('ERR Invalid arguments specified for command');
  }
  return keys.map((k) =>
    withFlags ? [target[k.pos], new SetReply(keySpecFlags(k.spec).map((f) => new StatusReply(f)))] : target[k.pos],
  );
}
