import { keyPositions, type RegisteredCommand } from '../../kernel';

/** Scripts that only read: Redis tracks the commands they run, not the script's own keys. */
const SCRIPTS = new Set(['eval_ro', 'evalsha_ro', 'fcall_ro']);

/**
 * The keys a read-only command read, from its key specs (Redis's getKeysFromCommand as
 * trackingRememberKeys uses it): none when the specs cannot be applied.
 */
export function readKeys(cmd: RegisteredCommand, argv: string[]): string[] {
  if (SCRIPTS.has(cmd.name)) return [];
  const refs = keyPositions(cmd, argv);
  return refs === null ? [] : refs.map((r) => argv[r.pos]);
}
