import { createHash, timingSafeEqual } from 'crypto';
import type { Client } from './client';
import type { RegisteredCommand } from './commands/registry';
import { ReplyError } from './reply';

/** A password as stored: its SHA-256, in hex (ACL's `#<hash>` form). */
export function passwordHash(password: string): string {
  return createHash('sha256').update(password, 'latin1').digest('hex');
}

/** Whether a password matches a stored hash; takes the same time wherever they differ. */
export function passwordMatches(password: string, hash: string): boolean {
  const given = Buffer.from(passwordHash(password), 'latin1');
  const stored = Buffer.from(hash, 'latin1');
  return given.length === stored.length && timingSafeEqual(given, stored);
}

/** What a permission check refused: the command itself, one of its keys, or a channel. */
export type DenyReason = 'command' | 'key' | 'channel';

/** The -NOPERM error of a refused command, with what was refused (scripts word it their way). */
export class PermissionError extends ReplyError {
  constructor(
    message: string,
    readonly reason: DenyReason,
  ) {
    super(message);
  }
}

/**
 * Who may connect and what they may run. The kernel's own knows one user, `default`, whose
 * only password is `requirepass`; the acl module installs its users instead
 * (`Server.access`). Connection commands (AUTH, HELLO, RESET) and the dispatcher go through it.
 */
export interface AccessControl {
  /** The default user takes no password (protected mode refuses remote clients then). */
  readonly defaultNoPass: boolean;
  /** Whether a user of this name exists (CLIENT KILL USER). */
  hasUser(name: string): boolean;
  /** `requirepass`: the default user's only password, or none when empty. */
  requirePass(password: string): void;
  /** Log `c` in as the default user if that needs no password (new connections, RESET). */
  connect(c: Client): void;
  /**
   * AUTH / HELLO AUTH: on success `c` runs as `user` from now on; false for a bad pair.
   * `command` is the command's name as the client wrote it (ACL LOG shows it).
   */
  authenticate(c: Client, user: string, password: string, command: string): boolean;
  /**
   * For a client whose `restricted` is set: the error refusing this command (its keys, its
   * channels), or null to let it run.
   */
  check(c: Client, cmd: RegisteredCommand, argv: string[]): PermissionError | null;
  /**
   * Whether a restricted client may run this command with read access to every key
   * (ACLUserCheckCmdWithUnrestrictedKeyAccess): SORT's BY and GET patterns need it.
   */
  readsAnyKey(c: Client, cmd: RegisteredCommand, argv: string[]): boolean;
}

/** Without the acl module: only `default`, with `requirepass`, and every command allowed. */
export class PasswordAccess implements AccessControl {
  private hash: string | null = null;

  get defaultNoPass(): boolean {
    return this.hash === null;
  }

  hasUser(name: string): boolean {
    return name === 'default';
  }

  requirePass(password: string): void {
    this.hash = password === '' ? null : passwordHash(password);
  }

  connect(c: Client): void {
    c.user = 'default';
    c.authenticated = this.hash === null;
  }

  authenticate(c: Client, user: string, password: string, _command: string): boolean {
    // The hash is compared even for an unknown user, so timing does not tell users apart.
    const ok = this.hash === null || passwordMatches(password, this.hash);
    if (user !== 'default' || !ok) return false;
    c.user = user;
    c.authenticated = true;
    return true;
  }

  check(): PermissionError | null {
    return null;
  }

  readsAnyKey(): boolean {
    return true;
  }
}

/** A connection from this host: a unix socket or a loopback address (Redis's connIsLocal). */
export function isLocalClient(c: Client): boolean {
  const ip = c.socket?.remoteAddress;
  return ip === undefined || isLocalAddress(ip);
}

/** A loopback address, IPv4 (also IPv4-mapped) or IPv6. */
export function isLocalAddress(ip: string): boolean {
  return ip.startsWith('127.') || ip === '::1' || ip.startsWith('::ffff:127.');
}

/**
 * Redis's allowProtectedAction: `enable-protected-configs`, `enable-debug-command` and
 * `enable-module-command` are `yes`, `no` or `local` (only from this host).
 */
export function protectedActionAllowed(setting: string, c: Client): boolean {
  return setting === 'yes' || (setting === 'local' && isLocalClient(c));
}
