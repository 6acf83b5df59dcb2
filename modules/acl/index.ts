import { randomBytes } from 'crypto';
import {
  type AccessControl,
  type Client,
  CmdFlag,
  Command,
  type CommandContext,
  CommandTable,
  Config,
  ConfigError,
  type DenyReason,
  inject,
  keyPositions,
  type KeySpec,
  MapReply,
  provide,
  Services,
  SUBSCRIPTIONS,
  ACCESS_CONTROL,
  CLIENT_INFO,
  type ClientDescriber,
  type SubscriptionLister,
  OK,
  parseInt64,
  passwordMatches,
  PermissionError,
  RedisModule,
  type RegisteredCommand,
  type Reply,
  ReplyError,
  Server,
  splitArgs,
  SetReply,
  StatusReply,
  ACL_CATEGORIES,
  Errors,
} from '../../kernel';
import { loadAclFile, saveAclFile } from './file';
import { AclLog, type LogContext } from './log';
import { hasSpaces, mergeSelectorArgs, RuleError, type Selector, User } from './user';

const ACL_HELP = [
  'ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CAT [<category>]',
  '    List all commands that belong to <category>, or all command categories',
  '    when no category is specified.',
  'DELUSER <username> [<username> ...]',
  '    Delete a list of users.',
  'DRYRUN <username> <command> [<arg> ...]',
  '    Returns whether the user can execute the given command without executing the command.',
  'GETUSER <username>',
  "    Get the user's details.",
  'GENPASS [<bits>]',
  '    Generate a secure 256-bit user password. The optional `bits` argument can',
  '    be used to specify a different size.',
  'LIST',
  '    Show users details in config file format.',
  'LOAD',
  '    Reload users from the ACL file.',
  'LOG [<count> | RESET]',
  '    Show the ACL log entries.',
  'SAVE',
  '    Save the current config to the ACL file.',
  'SETUSER <username> <attribute> [<attribute> ...]',
  '    Create or modify a user with the specified attributes.',
  'USERS',
  '    List all the registered usernames.',
  'WHOAMI',
  '    Return the current connection username.',
  'HELP',
  '    Prints this help.',
];

const HELP_REPLY = ACL_HELP.map((line) => new StatusReply(line));

/** Commands whose arguments name channels (Redis's CMD_CHANNEL_PUBLISH / SUBSCRIBE), and where they start. */
const CHANNEL_ARGS: Record<string, { first: number; all: boolean; pattern: boolean }> = {
  publish: { first: 1, all: false, pattern: false },
  spublish: { first: 1, all: false, pattern: false },
  subscribe: { first: 1, all: true, pattern: false },
  ssubscribe: { first: 1, all: true, pattern: false },
  psubscribe: { first: 1, all: true, pattern: true },
};

/** Redis's order of relevance when several selectors refuse (ACL_DENIED_CMD < KEY < CHANNEL). */
const RANK: Record<DenyReason, number> = { command: 1, key: 2, channel: 4 };

interface Denial {
  reason: DenyReason;
  /** The command's name, the key or the channel. */
  object: string;
}

/**
 * ACL users (Redis 7.0's semantics and texts): ACL SETUSER and friends, AUTH as a user, and
 * the permission check the dispatcher runs for restricted clients: the ACCESS_CONTROL
 * service (`Server.access`).
 */
@RedisModule({
  name: 'acl',
  provides: [provide(ACCESS_CONTROL, (m: AclModule) => m)],
  config: [
    { name: 'aclfile', type: 'string', default: '', mutable: false, doc: 'File of ACL users (ACL LOAD / ACL SAVE); exclusive with `user` directives.' },
    { name: 'acllog-max-len', type: 'int', default: 128, min: 0, max: 2147483647, doc: 'Entries kept in ACL LOG.' },
    {
      name: 'acl-pubsub-default',
      type: 'enum',
      default: 'resetchannels',
      values: ['allchannels', 'resetchannels'],
      doc: 'Channel permissions of new users: `resetchannels` (none) or `allchannels`.',
    },
    { name: 'user', type: 'list', default: [], mutable: false, hidden: true, doc: 'A user and its rules, as ACL SETUSER takes them (`user alice on >pw ~* +@read`); repeatable.' },
  ],
})
export default class AclModule implements AccessControl {
  private users = new Map<string, User>();
  private readonly log = new AclLog();
  private allChannelsByDefault = false;
  /** Services of other modules, when loaded: CLIENT LIST lines, a client's subscriptions. */
  private clientInfo: ClientDescriber | null = null;
  private subscriptions: SubscriptionLister | null = null;

  constructor(
    @inject(Server) private readonly server: Server,
    @inject(Config) private readonly config: Config,
    @inject(CommandTable) private readonly table: CommandTable,
    @inject(Services) private readonly services: Services,
  ) {
    config.watch('acllog-max-len', (v) => {
      this.log.maxLen = v as number;
      this.log.trim();
    });
    config.watch('acl-pubsub-default', (v) => (this.allChannelsByDefault = v === 'allchannels'));
  }

  /** Every command is registered by now: build the users and take over authentication. */
  onLoad(): void {
    this.clientInfo = this.services.find(CLIENT_INFO) ?? null;
    this.subscriptions = this.services.find(SUBSCRIPTIONS) ?? null;
    this.users = new Map([['default', this.defaultUser()]]);
    this.requirePass(this.config.get<string>('requirepass'));
    const declared = this.config.get<string[]>('user');
    const file = this.config.get<string>('aclfile');
    if (declared.length > 0 && file !== '') {
      throw new ConfigError(
        'Configuring Redis with users defined in redis.conf and at the same setting an ACL file path is invalid. This setup is very likely to lead to configuration errors and security holes, please define either an ACL file or declare users directly in your redis.conf, but not both.',
      );
    }
    for (const line of declared) {
      const args = splitArgs(line) ?? [];
      const err = args.length === 0 ? 'Syntax error' : this.setUser(this.users, args[0], args.slice(1));
      if (err !== null) throw new ConfigError(`Error in user declaration '${args[0] ?? ''}': ${err}`, undefined, `user ${line}`);
    }
    if (file !== '') {
      const err = this.load(file);
      if (err !== null) throw new ConfigError(err);
    }
    for (const c of this.server.clients.values()) this.connect(c);
  }

  private defaultUser(): User {
    const u = this.newUser('default');
    for (const rule of ['+@all', '~*', '&*', 'on', 'nopass']) u.apply(rule);
    return u;
  }

  private newUser(name: string): User {
    return new User(name, this.table, () => this.allChannelsByDefault);
  }

  // ---- AccessControl ----------------------------------------------------------------------

  get defaultNoPass(): boolean {
    return this.users.get('default')!.nopass;
  }

  hasUser(name: string): boolean {
    return this.users.has(name);
  }

  /** As Redis's ACLUpdateDefaultUserPassword: the one password, or nopass. */
  requirePass(password: string): void {
    const u = this.users.get('default');
    if (u === undefined) return;
    u.apply('resetpass');
    u.apply(password === '' ? 'nopass' : `>${password}`);
  }

  connect(c: Client): void {
    const u = this.users.get('default')!;
    c.user = 'default';
    c.authenticated = u.nopass && u.enabled;
    c.restricted = !u.unrestricted;
  }

  authenticate(c: Client, username: string, password: string, command: string): boolean {
    const u = this.users.get(username);
    // Every stored hash is compared, whatever matched, so timing says nothing of which.
    let match = false;
    for (const h of u?.passwords ?? []) if (passwordMatches(password, h)) match = true;
    if (u === undefined || !u.enabled || !(u.nopass || match)) {
      this.log.add('auth', this.context(c), command, username, this.describe(c));
      return false;
    }
    c.user = u.name;
    c.authenticated = true;
    c.restricted = !u.unrestricted;
    return true;
  }

  check(c: Client, cmd: RegisteredCommand, argv: string[]): PermissionError | null {
    const u = this.users.get(c.user);
    const denial = u === undefined ? { reason: 'command' as const, object: cmd.name } : this.deny(u, cmd, argv);
    if (denial === null) return null;
    this.log.add(denial.reason, this.context(c), denial.object, c.user, this.describe(c));
    return new PermissionError(noPermText(denial, cmd), denial.reason);
  }

  readsAnyKey(c: Client, cmd: RegisteredCommand, argv: string[]): boolean {
    const u = this.users.get(c.user);
    if (u === undefined) return false;
    return [u.root, ...u.selectors].some((s) => checkSelector(s, cmd, argv) === null && s.readsAnyKey());
  }

  private describe(c: Client): string {
    return this.clientInfo === null ? '' : this.clientInfo(c);
  }

  private context(c: Client): LogContext {
    if (c.flags.has('multi')) return 'multi';
    return c.socket === null ? 'lua' : 'toplevel';
  }

  /** ACLCheckAllUserCommandPerm: null if a selector allows it, else the most relevant refusal. */
  private deny(u: User, cmd: RegisteredCommand, argv: string[]): Denial | null {
    let best: Denial | null = null;
    for (let i = -1; i < u.selectors.length; i++) {
      const d = checkSelector(i < 0 ? u.root : u.selectors[i], cmd, argv);
      if (d === null) return null;
      if (best === null || RANK[d.reason] > RANK[best.reason]) best = d;
    }
    return best;
  }

  // ---- ACL ---------------------------------------------------------------------------------

  @Command('acl|help')
  help(): Reply {
    return HELP_REPLY;
  }

  @Command('acl|setuser')
  setuser(_ctx: CommandContext, argv: string[]): Reply {
    const err = this.setUser(this.users, argv[2], argv.slice(3));
    if (err !== null) throw new ReplyError(`ERR ${err}`);
    this.refreshClients(argv[2]);
    return OK;
  }

  /**
   * Create or modify a user in `users` with all the rules or none (Redis applies them to a
   * copy first). Returns Redis's error text.
   */
  private setUser(users: Map<string, User>, name: string, args: string[]): string | null {
    if (hasSpaces(name)) return "Usernames can't contain spaces or null characters";
    const rules = mergeSelectorArgs(args);
    if (!Array.isArray(rules)) return rules.error;
    const existing = users.get(name);
    const trial = existing === undefined ? this.newUser(name) : existing.clone();
    for (const rule of rules) {
      try {
        trial.apply(rule);
      } catch (e) {
        // Redis prints the rule as a C string: up to a NUL.
        if (e instanceof RuleError) return `Error in ACL SETUSER modifier '${rule.split('\0')[0]}': ${e.message}`;
        throw e;
      }
    }
    users.set(name, trial);
    return null;
  }

  /**
   * After a user changed: its clients' fast path follows, and a client subscribed to a
   * channel the user may no longer access is disconnected (ACLKillPubsubClientsIfNeeded).
   */
  private refreshClients(name: string): void {
    const u = this.users.get(name);
    if (u === undefined) return;
    const selectors = [u.root, ...u.selectors];
    for (const c of [...this.server.clients.values()]) {
      if (c.user !== name) continue;
      c.restricted = !u.unrestricted;
      const subs = this.subscriptions === null ? [] : this.subscriptions(c);
      if (subs.some(([ch, isPattern]) => !selectors.some((s) => s.allowsChannel(ch, isPattern)))) c.close();
    }
  }

  @Command('acl|getuser')
  getuser(_ctx: CommandContext, argv: string[]): Reply {
    const u = this.users.get(argv[2]);
    if (u === undefined) return null;
    return new MapReply([
      'flags', new SetReply(u.flags()),
      'passwords', u.passwords.slice(),
      ...selectorFields(u.root),
      'selectors', u.selectors.map((s) => new MapReply(selectorFields(s))),
    ]);
  }

  @Command('acl|deluser')
  deluser(_ctx: CommandContext, argv: string[]): Reply {
    let n = 0;
    for (const name of argv.slice(2)) {
      if (name === 'default') throw new ReplyError("ERR The 'default' user cannot be removed");
    }
    for (const name of argv.slice(2)) {
      if (!this.users.delete(name)) continue;
      n++;
      for (const c of this.server.clients.values()) if (c.user === name) c.close();
    }
    return n;
  }

  @Command('acl|users')
  usersList(): Reply {
    return [...this.users.keys()].sort();
  }

  @Command('acl|list')
  list(): Reply {
    return this.sortedUsers().map((u) => `user ${u.name} ${u.describe()}`);
  }

  private sortedUsers(): User[] {
    return [...this.users.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  @Command('acl|whoami')
  whoami(ctx: CommandContext): Reply {
    return ctx.user;
  }

  @Command('acl|cat')
  cat(_ctx: CommandContext, argv: string[]): Reply {
    if (argv.length > 3) throw subcommandArity('CAT');
    const all = this.table.allWithSubcommands();
    if (argv.length === 2) {
      const extra = new Set(all.flatMap((c) => c.categories).filter((c) => !ACL_CATEGORIES.includes(c)));
      return [...ACL_CATEGORIES, ...extra];
    }
    const cat = argv[2].toLowerCase();
    const names = all.filter((c) => c.categories.includes(cat)).map((c) => c.name);
    if (names.length === 0 && !ACL_CATEGORIES.includes(cat)) throw new ReplyError(`ERR Unknown category '${argv[2]}'`);
    return names;
  }

  @Command('acl|genpass')
  genpass(_ctx: CommandContext, argv: string[]): Reply {
    let bits = 256;
    if (argv.length > 2) {
      const n = parseInt64(argv[2]);
      if (n === null) throw Errors.notInteger;
      bits = Number(n);
      if (!(bits > 0 && bits <= 4096)) {
        throw new ReplyError('ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to 4096');
      }
    }
    const chars = Math.ceil(bits / 4);
    return randomBytes(Math.ceil(chars / 2)).toString('hex').slice(0, chars);
  }

  @Command('acl|dryrun')
  dryrun(_ctx: CommandContext, argv: string[]): Reply {
    const u = this.users.get(argv[2]);
    if (u === undefined) throw new ReplyError(`ERR User '${argv[2]}' not found`);
    const args = argv.slice(3);
    let cmd = this.table.lookup(args[0]);
    if (cmd !== undefined && cmd.subcommands !== null && args.length > 1) cmd = cmd.subcommands.get(args[1].toLowerCase());
    if (cmd === undefined) throw new ReplyError(`ERR Command '${args[0]}' not found`);
    const arity = cmd.def.arity;
    if ((arity > 0 && arity !== args.length) || args.length < -arity) throw Errors.wrongArity(cmd.name);
    const d = this.deny(u, cmd, args);
    if (d === null) return OK;
    if (d.reason === 'command') return `This user has no permissions to run the '${cmd.name}' command`;
    return `This user has no permissions to access the '${d.object}' ${d.reason}`;
  }

  @Command('acl|log')
  aclLog(_ctx: CommandContext, argv: string[]): Reply {
    if (argv.length > 3) throw subcommandArity('LOG');
    let count = 10;
    if (argv.length === 3) {
      if (argv[2].toLowerCase() === 'reset') {
        this.log.reset();
        return OK;
      }
      const n = parseInt64(argv[2]);
      if (n === null) throw Errors.notInteger;
      count = Math.max(0, Number(n));
    }
    return this.log.reply(count);
  }

  @Command('acl|load')
  aclLoad(): Reply {
    const file = this.config.get<string>('aclfile');
    if (file === '') throw new ReplyError('ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.');
    const err = this.load(file);
    if (err !== null) throw new ReplyError(`ERR ${err}`);
    const names = new Set<string>();
    for (const c of [...this.server.clients.values()]) {
      if (this.users.has(c.user)) names.add(c.user);
      else c.close();
    }
    for (const name of names) this.refreshClients(name);
    return OK;
  }

  @Command('acl|save')
  aclSave(): Reply {
    const file = this.config.get<string>('aclfile');
    if (file === '') throw new ReplyError('ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.');
    const err = saveAclFile(file, this.sortedUsers().map((u) => `user ${u.name} ${u.describe()}`));
    if (err !== null) throw new ReplyError(`ERR There was an error trying to save the ACLs. Please check the server logs for more information`);
    return OK;
  }

  /** ACLLoadFromFile: all users or none, with Redis's error texts; the default user is created if the file lacks it. */
  private load(file: string): string | null {
    const parsed = loadAclFile(file);
    if (!Array.isArray(parsed)) return parsed.error;
    const users = new Map<string, User>();
    let errors = '';
    for (const { line, args } of parsed) {
      if (args === null) {
        errors += `${file}:${line}: Syntax error. `;
        continue;
      }
      if (args[0] !== 'user' || args.length < 2) {
        errors += `${file}:${line} should start with user keyword followed by the username. `;
        continue;
      }
      const rules = mergeSelectorArgs(args.slice(2));
      if (!Array.isArray(rules)) {
        errors += `${file}:${line}: Unmatched parenthesis in selector definition.`;
        continue;
      }
      const u = this.newUser(args[1]);
      let failed = false;
      for (const rule of rules) {
        try {
          u.apply(rule);
        } catch (e) {
          if (!(e instanceof RuleError)) throw e;
          // Unknown commands are named; of other errors only the line's first is told.
          if (e.notFound) errors += `${file}:${line}: Error in applying operation '${rule}': ${e.message}. `;
          else if (!failed) errors += `${file}:${line}: ${e.message}. `;
          failed = true;
        }
      }
      if (failed) continue;
      if (users.has(u.name)) errors += `WARNING: Duplicate user '${u.name}' found on line ${line}. `;
      else users.set(u.name, u);
    }
    if (errors !== '') return `${errors}WARNING: ACL errors detected, no change to the previously active ACL rules was performed`;
    if (!users.has('default')) users.set('default', this.defaultUser());
    this.users = users;
    return null;
  }

}

/** Redis's reply to ACL LOG / CAT with too many arguments (their arity is open-ended). */
function subcommandArity(sub: string): ReplyError {
  return new ReplyError(`ERR unknown subcommand or wrong number of arguments for '${sub}'. Try ACL HELP.`);
}

function selectorFields(s: Selector): Reply[] {
  return ['commands', s.describeCommands(), 'keys', s.describeKeys(), 'channels', s.describeChannels()];
}

/** The -NOPERM text the dispatcher answers. */
function noPermText(d: Denial, cmd: RegisteredCommand): string {
  if (d.reason === 'command') return `NOPERM this user has no permissions to run the '${cmd.name}' command`;
  if (d.reason === 'key') return 'NOPERM this user has no permissions to access one of the keys used as arguments';
  return 'NOPERM this user has no permissions to access one of the channels used as arguments';
}

/** ACLSelectorCheckCmd: the command, then its keys (read/write from the key specs), then its channels. */
function checkSelector(s: Selector, cmd: RegisteredCommand, argv: string[]): Denial | null {
  // Commands that run before authentication (AUTH, HELLO) are never refused.
  if (!cmd.has(CmdFlag.NoAuth) && !s.allowsCommand(cmd, argv)) return { reason: 'command', object: cmd.name };
  if (!s.allKeys && (cmd.def.keySpecs?.length ?? 0) > 0) {
    for (const { pos, spec } of keyPositions(cmd, argv, true)!) {
      const [read, write] = keyAccess(cmd, argv, spec);
      if (!s.allowsKey(argv[pos], read, write)) return { reason: 'key', object: argv[pos] };
    }
    // The specs Redis cannot follow (marked unknown): its getkeys procedures.
    if (cmd.name === 'sort' || cmd.name === 'sort_ro' || cmd.name === 'migrate') {
      for (const [pos, read, write] of extraKeys(cmd.name, argv)) {
        if (!s.allowsKey(argv[pos], read, write)) return { reason: 'key', object: argv[pos] };
      }
    }
  }
  const ch = CHANNEL_ARGS[cmd.name];
  if (ch !== undefined && !s.allChannels) {
    const last = ch.all ? argv.length - 1 : ch.first;
    for (let i = ch.first; i <= last; i++) if (!s.allowsChannel(argv[i], ch.pattern)) return { reason: 'channel', object: argv[i] };
  }
  return null;
}

/**
 * Whether a command reads (ACCESS) and writes (INSERT, DELETE, UPDATE) a key. SET and
 * BITFIELD declare VARIABLE_FLAGS: their arguments decide (Redis's setGetKeys, bitfieldGetKeys).
 */
function keyAccess(cmd: RegisteredCommand, argv: string[], spec: KeySpec): readonly [boolean, boolean] {
  if (cmd.name === 'set') return [setReads(argv), true];
  if (cmd.name === 'bitfield') return [true, !bitfieldReadOnly(argv)];
  let access = SPEC_ACCESS.get(spec);
  if (access === undefined) {
    const flags = spec.flags.map((f) => f.toUpperCase());
    access = [flags.includes('ACCESS'), flags.some((f) => f === 'INSERT' || f === 'DELETE' || f === 'UPDATE')];
    SPEC_ACCESS.set(spec, access);
  }
  return access;
}

/** What each key spec's flags grant, worked out once. */
const SPEC_ACCESS = new WeakMap<KeySpec, readonly [boolean, boolean]>();

/** SORT's STORE destination (sortGetKeys) and MIGRATE's keys (migrateGetKeys): [position, read, write]. */
function extraKeys(name: string, argv: string[]): Array<[number, boolean, boolean]> {
  if (name === 'migrate') {
    for (let i = 6; i < argv.length; i++) {
      if (argv[i].toLowerCase() === 'keys') return argv.slice(i + 1).map((_, j) => [i + 1 + j, true, true]);
    }
    return argv.length > 3 && argv[3] !== '' ? [[3, true, true]] : [];
  }
  const skip: Record<string, number> = { limit: 2, get: 1, by: 1 };
  let store = -1;
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i].toLowerCase();
    if (a in skip) i += skip[a];
    else if (a === 'store' && i + 1 < argv.length) store = ++i;
  }
  return store < 0 ? [] : [[store, false, true]];
}

/** SET ... GET reads the old value. */
function setReads(argv: string[]): boolean {
  for (let i = 3; i < argv.length; i++) if (argv[i].length === 3 && argv[i].toLowerCase() === 'get') return true;
  return false;
}

/** BITFIELD with only GET (and OVERFLOW) operations. */
function bitfieldReadOnly(argv: string[]): boolean {
  for (let i = 2; i < argv.length; i++) {
    const op = argv[i].toLowerCase();
    const rest = argv.length - i - 1;
    if (op === 'get' && rest >= 2) i += 2;
    else if (op === 'overflow' && rest >= 1) i += 1;
    else return false;
  }
  return true;
}
