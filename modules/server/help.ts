import { type Reply, StatusReply } from '../../kernel';

/** Redis's addReplyHelp: a title line, the given lines, then HELP's own entry, all as status replies. */
export function helpReply(container: string, lines: string[]): Reply {
  return [
    `${container} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`,
    ...lines,
    'HELP',
    '    Prints this help.',
  ].map((l) => new StatusReply(l));
}
