import { type CommandTable, isNotKey, keyPositions, type RegisteredCommand, type Reply, ReplyError, SetReply, StatusReply } from '../../kernel';
import { keySpecFlags } from './command-info';

/** Redis's lookupCommand on an argument vector: a container's subcommand when one is named. */
function lookup(table: CommandTable, argv: string[]): RegisteredCommand | undefined {
  const base = table.lookup(argv[0]);
  if (base === undefined || argv.length === 1 || base.subcommands === null) return base;
  return base.subcommands.get(argv[1].toLowerCase());
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
  const keys = keyPositions(cmd, target);
  if (keys === null || keys.length === 0) {
    if (cmd.def.flags.includes('no_mandatory_keys')) return [];
    throw new ReplyError('ERR Invalid arguments specified for command');
  }
  return keys.map((k) =>
    withFlags ? [target[k.pos], new SetReply(keySpecFlags(k.spec).map((f) => new StatusReply(f)))] : target[k.pos],
  );
}
