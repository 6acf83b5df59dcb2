const REDACTED = '(redacted)';

/**
 * argv with secrets replaced, as Redis 7.0's redactClientCommandArgument does wherever a
 * command is shown back (MONITOR, SLOWLOG): AUTH's arguments, HELLO's AUTH pair, MIGRATE's
 * AUTH/AUTH2 credentials.
 */
export function redactArgv(name: string, argv: string[]): string[] {
  if (name === 'auth') return [argv[0], ...argv.slice(1).map(() => REDACTED)];
  let from = -1;
  if (name === 'hello') from = argv.findIndex((a, i) => i > 1 && a.toLowerCase() === 'auth');
  else if (name === 'migrate') from = argv.findIndex((a, i) => i > 5 && /^auth2?$/i.test(a));
  if (from < 0) return argv;
  const n = name === 'migrate' && argv[from].toLowerCase() === 'auth' ? 1 : 2;
  const out = argv.slice();
  for (let i = from + 1; i <= from + n && i < out.length; i++) out[i] = REDACTED;
  return out;
}
