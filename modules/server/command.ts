import { type CommandTable, globMatch, MapReply, type RegisteredCommand, type Reply, Errors } from '../../kernel';
import { commandDocs, commandInfo } from './command-info';
import { helpReply } from './help';

export const COMMAND_HELP = helpReply('COMMAND', [
  '(no subcommand)',
  '    Return details about all Redis commands.',
  'COUNT',
  '    Return the total number of commands in this Redis server.',
  'LIST',
  '    Return a list of all commands in this Redis server.',
  'INFO [<command-name> ...]',
  '    Return details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'DOCS [<command-name> ...]',
  '    Return documentation details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'GETKEYS <full-command>',
  '    Return the keys from a full Redis command.',
  'GETKEYSANDFLAGS <full-command>',
  '    Return the keys and the access flags from a full Redis command.',
]);

/** COMMAND INFO [name ...]: every command without names; null for an unknown name. */
export function infoReply(table: CommandTable, names: string[]): Reply {
  if (names.length === 0) return table.all().map(commandInfo);
  return names.map((n) => {
    const cmd = table.byFullName(n);
    return cmd === undefined ? null : commandInfo(cmd);
  });
}

/** COMMAND DOCS [name ...]: a map of name to docs; unknown names are left out. */
export function docsReply(table: CommandTable, names: string[]): Reply {
  const cmds = names.length === 0 ? table.all() : names.map((n) => table.byFullName(n));
  const out: Reply[] = [];
  for (const cmd of cmds) if (cmd !== undefined) out.push(cmd.name, commandDocs(cmd));
  return new MapReply(out);
}

/** COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN pattern]: names of commands and subcommands. */
export function listReply(table: CommandTable, argv: string[]): Reply {
  let keep: (cmd: RegisteredCommand) => boolean = () => true;
  if (argv.length === 5 && argv[2].toLowerCase() === 'filterby') {
    const arg = argv[4];
    switch (argv[3].toLowerCase()) {
      case 'module':
        keep = (cmd) => cmd.module === arg;
        break;
      case 'aclcat': {
        const cat = arg.toLowerCase();
        keep = (cmd) => cmd.categories.includes(cat);
        break;
      }
      case 'pattern':
        keep = (cmd) => globMatch(arg, cmd.name, true);
        break;
      default:
        throw Errors.syntax;
    }
  } else if (argv.length !== 2) {
    throw Errors.syntax;
  }
  return table.allWithSubcommands().filter(keep).map((cmd) => cmd.name);
}

export function countReply(table: CommandTable): Reply {
  return table.all().length;
}
