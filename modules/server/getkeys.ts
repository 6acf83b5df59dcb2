import { type CommandTable, isNotKey, keyPositions, type Reply, ReplyError, SetReply, StatusReply, Unresolved } from '../../kernel';
import { keySpecFlags } from './command-info';

/** COMMAND GETKEYS / GETKEYSANDFLAGS <full command>. */
export function getKeys(table: CommandTable, argv: string[], withFlags: boolean): Reply {
  const target = argv.slice(2);
  const resolved = table.resolve(target);
  if (resolved === Unresolved.UnknownCommand || resolved === Unresolved.UnknownSubcommand) throw new ReplyError('ERR Invalid command specified');
  const cmd = typeof resolved === 'number' ? table.failedAt! : resolved;
  const specs = cmd.def.keySpecs ?? [];
  if (!specs.some((s) => !isNotKey(s))) throw new ReplyError('ERR The command has no key arguments');
  if (resolved === Unresolved.WrongArity) throw new ReplyError('ERR Invalid number of arguments specified for command');
  const keys = keyPositions(cmd, target);
  if (keys === null || keys.length === 0) {
    if (cmd.def.flags.includes('no_mandatory_keys')) return [];
    throw new ReplyError('ERR Invalid arguments specified for command');
  }
  return keys.map((k) =>
    withFlags ? [target[k.pos], new SetReply(keySpecFlags(k.spec).map((f) => new StatusReply(f)))] : target[k.pos],
  );
}
