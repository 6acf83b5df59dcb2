import { ACL_CATEGORIES, type CommandTable, globMatch, passwordHash, type RegisteredCommand } from '../../kernel';

/** A key pattern and what it grants: `~p` both, `%R~p` reads, `%W~p` writes. */
export interface KeyPattern {
  pattern: string;
  read: boolean;
  write: boolean;
}

/** A rule that could not be applied: Redis's explanation, after "Error in ACL SETUSER modifier '...': ". */
export class RuleError extends Error {
  /** A command or category that does not exist (Redis's ENOENT): ACL files name the rule then. */
  get notFound(): boolean {
    return this.message === UNKNOWN;
  }
}

const UNKNOWN = 'Unknown command or category name in ACL';
const SYNTAX = 'Syntax error';
const BAD_HASH = 'The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters';
const KEYS_AFTER_ALL =
  "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns";
const CHANNELS_AFTER_ALL =
  "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels";

/**
 * One set of permissions (Redis's aclSelector): commands, key patterns, channel patterns.
 * A user has a root selector and any number of others; a command runs if one allows it.
 */
export class Selector {
  /** Commands and subcommands allowed (Redis's command bitmap). */
  readonly allowed = new Set<RegisteredCommand>();
  /** First arguments allowed for a command that is itself not allowed (`+select|0`). */
  readonly firstArgs = new Map<RegisteredCommand, Set<string>>();
  /** Set by +@all: commands added later are allowed too (Redis's reserved bit). */
  future = false;
  allKeys = false;
  readonly keys: KeyPattern[] = [];
  allChannels = false;
  readonly channels: string[] = [];
  /** The commands that existed when this selector was made: later ones follow `future`. */
  private readonly known: Set<RegisteredCommand>;

  constructor(private readonly table: CommandTable) {
    this.known = new Set(table.allWithSubcommands());
  }

  /** A copy to change (SETUSER applies its rules to one, keeping it only if all apply). */
  clone(): Selector {
    const s = new Selector(this.table);
    for (const c of this.allowed) s.allowed.add(c);
    for (const [c, args] of this.firstArgs) s.firstArgs.set(c, new Set(args));
    s.known.clear();
    for (const c of this.known) s.known.add(c);
    s.future = this.future;
    s.allKeys = this.allKeys;
    for (const k of this.keys) s.keys.push({ ...k });
    s.allChannels = this.allChannels;
    s.channels.push(...this.channels);
    return s;
  }

  private permits(cmd: RegisteredCommand): boolean {
    return this.allowed.has(cmd) || (this.future && !this.known.has(cmd));
  }

  /** ACLSetSelector: apply one rule. */
  apply(op: string): void {
    this.unrestrictedAt = -1;
    const lower = op.toLowerCase();
    if (lower === 'allkeys' || op === '~*') {
      this.allKeys = true;
      this.keys.length = 0;
    } else if (lower === 'resetkeys') {
      this.allKeys = false;
      this.keys.length = 0;
    } else if (lower === 'allchannels' || op === '&*') {
      this.allChannels = true;
      this.channels.length = 0;
    } else if (lower === 'resetchannels') {
      this.allChannels = false;
      this.channels.length = 0;
    } else if (lower === 'allcommands' || lower === '+@all') {
      this.future = true;
      for (const cmd of this.table.allWithSubcommands()) this.allowed.add(cmd);
      this.firstArgs.clear();
    } else if (lower === 'nocommands' || lower === '-@all') {
      this.future = false;
      this.allowed.clear();
      this.firstArgs.clear();
    } else if (op[0] === '~' || op[0] === '%') {
      this.addKeyPattern(op);
    } else if (op[0] === '&') {
      if (this.allChannels) throw new RuleError(CHANNELS_AFTER_ALL);
      const pattern = op.slice(1);
      if (hasSpaces(pattern)) throw new RuleError(SYNTAX);
      if (!this.channels.includes(pattern)) this.channels.push(pattern);
    } else if ((op[0] === '+' || op[0] === '-') && op[1] === '@') {
      const cat = lower.slice(2);
      if (!ACL_CATEGORIES.includes(cat) && !this.table.allWithSubcommands().some((c) => c.categories.includes(cat))) {
        throw new RuleError(UNKNOWN);
      }
      this.setCategory(cat, op[0] === '+');
    } else if (op[0] === '+' || op[0] === '-') {
      this.commandRule(lower.slice(1), op[0] === '+');
    } else {
      throw new RuleError(SYNTAX);
    }
  }

  private addKeyPattern(op: string): void {
    let read = true;
    let write = true;
    let pattern: string;
    if (op[0] === '%') {
      const tilde = op.indexOf('~');
      const flags = (tilde < 0 ? op.slice(1) : op.slice(1, tilde)).toUpperCase();
      read = false;
      write = false;
      for (const f of flags) {
        if (f === 'R') read = true;
        else if (f === 'W') write = true;
        else throw new RuleError(SYNTAX);
      }
      if (flags === '') throw new RuleError(SYNTAX);
      pattern = tilde < 0 ? '' : op.slice(tilde + 1);
    } else {
      pattern = op.slice(1);
    }
    if (hasSpaces(pattern)) throw new RuleError(SYNTAX);
    if (this.allKeys) throw new RuleError(KEYS_AFTER_ALL);
    const existing = this.keys.find((k) => k.pattern === pattern);
    if (existing !== undefined) {
      existing.read ||= read;
      existing.write ||= write;
    } else {
      this.keys.push({ pattern, read, write });
    }
  }

  /** ACLChangeSelectorPerm: a container takes its subcommands along. */
  private change(cmd: RegisteredCommand, allow: boolean): void {
    if (allow) this.allowed.add(cmd);
    else this.allowed.delete(cmd);
    this.firstArgs.delete(cmd);
    if (cmd.subcommands !== null) {
      for (const sub of cmd.subcommands.values()) {
        if (allow) this.allowed.add(sub);
        else this.allowed.delete(sub);
      }
    }
  }

  private setCategory(cat: string, allow: boolean): void {
    for (const cmd of this.table.allWithSubcommands()) if (cmd.categories.includes(cat)) this.change(cmd, allow);
  }

  private commandRule(name: string, allow: boolean): void {
    const bar = name.indexOf('|');
    if (bar < 0) {
      const cmd = this.table.byFullName(name);
      if (cmd === undefined) throw new RuleError(UNKNOWN);
      this.change(cmd, allow);
      return;
    }
    const parent = this.table.byFullName(name.slice(0, bar));
    const rest = name.slice(bar + 1);
    if (parent === undefined || rest === '' || rest.includes('|')) throw new RuleError(UNKNOWN);
    if (parent.subcommands !== null) {
      const sub = parent.subcommands.get(rest);
      if (sub === undefined) throw new RuleError(UNKNOWN);
      this.change(sub, allow);
      return;
    }
    // A command without subcommands: a first-argument rule, which can only allow.
    if (!allow) throw new RuleError(UNKNOWN);
    if (this.allowed.has(parent)) return;
    let args = this.firstArgs.get(parent);
    if (args === undefined) this.firstArgs.set(parent, (args = new Set()));
    args.add(rest);
  }

  /** Whether this selector lets the command run at all (keys and channels aside). */
  allowsCommand(cmd: RegisteredCommand, argv: string[]): boolean {
    if (this.permits(cmd)) return true;
    const args = this.firstArgs.get(cmd);
    return args !== undefined && argv.length > 1 && args.has(argv[1].toLowerCase());
  }

  /** ACLSelectorCheckKey: `read`/`write` are what the command does to the key. */
  allowsKey(key: string, read: boolean, write: boolean): boolean {
    if (this.allKeys) return true;
    for (const k of this.keys) {
      if ((read && !k.read) || (write && !k.write)) continue;
      if (globMatch(k.pattern, key)) return true;
    }
    return false;
  }

  /** ACLSelectorHasUnrestrictedKeyAccess for reads: all keys, or a readable `*` pattern. */
  readsAnyKey(): boolean {
    return this.allKeys || this.keys.some((k) => k.read && k.pattern === '*');
  }

  /** A channel, or (for PSUBSCRIBE) a pattern, which must be one of the patterns as written. */
  allowsChannel(channel: string, isPattern: boolean): boolean {
    if (this.allChannels) return true;
    for (const p of this.channels) {
      if (isPattern ? p === channel : globMatch(p, channel)) return true;
    }
    return false;
  }

  /**
   * Every command and subcommand, every key and every channel. Asked at each connection and
   * AUTH: remembered until a rule is applied or the command table changes (a walk over every
   * command cost ~0.1 ms a connection).
   */
  get unrestricted(): boolean {
    if (this.unrestrictedAt !== this.table.version) {
      this.unrestrictedWas = this.allKeys && this.allChannels && this.table.allWithSubcommands().every((c) => this.permits(c));
      this.unrestrictedAt = this.table.version;
    }
    return this.unrestrictedWas;
  }

  /** The command table's version `unrestrictedWas` was computed at; -1 after a rule changed this selector. */
  private unrestrictedAt = -1;
  private unrestrictedWas = false;

  // ---- description (ACL LIST, GETUSER, SAVE) ----------------------------------------------

  describeKeys(): string {
    if (this.allKeys) return '~*';
    return this.keys.map((k) => `${k.read && k.write ? '' : k.read ? '%R' : '%W'}~${k.pattern}`).join(' ');
  }

  describeChannels(): string {
    return this.allChannels ? '&*' : this.channels.map((c) => `&${c}`).join(' ');
  }

  /**
   * ACLDescribeSelectorCommandRules: +@all or -@all, then the categories that fit best, one
   * at a time, then single commands to make up the difference (in name order; Redis's
   * follows its hash table), then first-argument rules.
   */
  describeCommands(): string {
    const all = this.table.allWithSubcommands();
    const additive = !this.future;
    const rules = [additive ? '-@all' : '+@all'];
    const fake = new Set<RegisteredCommand>(additive ? [] : all);
    const temp = new Set(this.allowed);
    const applied = new Set<string>();
    const members = new Map(ACL_CATEGORIES.map((cat) => [cat, all.filter((c) => c.categories.includes(cat))]));
    for (;;) {
      let best: string | null = null;
      let mindiff = Infinity;
      let maxsame = 0;
      for (const cat of ACL_CATEGORIES) {
        if (applied.has(cat)) continue;
        let on = 0;
        let off = 0;
        for (const c of members.get(cat)!) if (temp.has(c)) on++;
        else off++;
        const diff = additive ? off : on;
        const same = additive ? on : off;
        if (same > diff && (diff < mindiff || (diff === mindiff && same > maxsame))) {
          best = cat;
          mindiff = diff;
          maxsame = same;
        }
      }
      if (best === null) break;
      rules.push(`${additive ? '+' : '-'}@${best}`);
      for (const c of members.get(best)!) {
        setAll(fake, c, additive);
        setAll(temp, c, !additive);
      }
      applied.add(best);
    }
    const sorted = all.slice().sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const cmd of sorted) {
      const mine = this.allowed.has(cmd);
      if (mine !== fake.has(cmd)) {
        rules.push(`${mine ? '+' : '-'}${cmd.name}`);
        setAll(fake, cmd, mine);
      }
    }
    for (const [cmd, args] of this.firstArgs) for (const a of args) rules.push(`+${cmd.name}|${a}`);
    return rules.join(' ');
  }

  /** The selector as rules, as ACL LIST shows it: keys, channels, commands. */
  describe(): string {
    const parts: string[] = [];
    const keys = this.describeKeys();
    if (keys !== '') parts.push(keys);
    if (this.allChannels) parts.push('&*');
    else parts.push('resetchannels', ...this.channels.map((c) => `&${c}`));
    parts.push(this.describeCommands());
    return parts.join(' ');
  }
}

/** ACLChangeSelectorPerm on a plain set: a container takes its subcommands along. */
function setAll(set: Set<RegisteredCommand>, cmd: RegisteredCommand, on: boolean): void {
  if (on) set.add(cmd);
  else set.delete(cmd);
  if (cmd.subcommands !== null) for (const sub of cmd.subcommands.values()) if (on) set.add(sub);
  else set.delete(sub);
}

/** An ACL user: switches, password hashes, a root selector and extra selectors. */
export class User {
  enabled = false;
  nopass = false;
  sanitizePayload = false;
  skipSanitizePayload = false;
  readonly passwords: string[] = [];
  root: Selector;
  selectors: Selector[] = [];

  constructor(
    readonly name: string,
    private readonly table: CommandTable,
    private readonly allChannelsByDefault: () => boolean,
  ) {
    this.root = new Selector(table);
    if (allChannelsByDefault()) this.root.allChannels = true;
  }

  clone(): User {
    const u = new User(this.name, this.table, this.allChannelsByDefault);
    u.enabled = this.enabled;
    u.nopass = this.nopass;
    u.sanitizePayload = this.sanitizePayload;
    u.skipSanitizePayload = this.skipSanitizePayload;
    u.passwords.push(...this.passwords);
    u.root = this.root.clone();
    u.selectors = this.selectors.map((s) => s.clone());
    return u;
  }

  /** ACLSetUser: one rule (a selector in parentheses included). */
  apply(op: string): void {
    const lower = op.toLowerCase();
    if (lower === 'on') this.enabled = true;
    else if (lower === 'off') this.enabled = false;
    else if (lower === 'skip-sanitize-payload') {
      this.skipSanitizePayload = true;
      this.sanitizePayload = false;
    } else if (lower === 'sanitize-payload') {
      this.skipSanitizePayload = false;
      this.sanitizePayload = true;
    } else if (lower === 'nopass') {
      this.nopass = true;
      this.passwords.length = 0;
    } else if (lower === 'resetpass') {
      this.nopass = false;
      this.passwords.length = 0;
    } else if (op[0] === '>' || op[0] === '#') {
      const hash = op[0] === '>' ? passwordHash(op.slice(1)) : checkHash(op.slice(1));
      if (!this.passwords.includes(hash)) this.passwords.push(hash);
      this.nopass = false;
    } else if (op[0] === '<' || op[0] === '!') {
      const hash = op[0] === '<' ? passwordHash(op.slice(1)) : checkHash(op.slice(1));
      const i = this.passwords.indexOf(hash);
      if (i < 0) throw new RuleError('The password you are trying to remove from the user does not exist');
      this.passwords.splice(i, 1);
      this.nopass = false;
    } else if (op[0] === '(' && op[op.length - 1] === ')') {
      const s = new Selector(this.table);
      if (this.allChannelsByDefault()) s.allChannels = true;
      for (const rule of op.slice(1, -1).split(' ')) if (rule !== '') s.apply(rule);
      this.selectors.push(s);
    } else if (lower === 'clearselectors') {
      this.selectors = [];
    } else if (lower === 'reset') {
      for (const rule of ['resetpass', 'resetkeys', 'resetchannels']) this.apply(rule);
      if (this.allChannelsByDefault()) this.apply('allchannels');
      for (const rule of ['off', 'clearselectors', 'sanitize-payload', '-@all']) this.apply(rule);
    } else {
      this.root.apply(op);
    }
  }

  /** Every permission in one selector, enabled: the dispatcher need not ask. */
  get unrestricted(): boolean {
    return this.enabled && this.root.unrestricted;
  }

  flags(): string[] {
    const out = [this.enabled ? 'on' : 'off'];
    if (this.nopass) out.push('nopass');
    if (this.skipSanitizePayload) out.push('skip-sanitize-payload');
    if (this.sanitizePayload) out.push('sanitize-payload');
    return out;
  }

  /** ACLDescribeUser: the user as one line of rules (ACL LIST, the ACL file). */
  describe(): string {
    const parts = [...this.flags(), ...this.passwords.map((h) => `#${h}`), this.root.describe()];
    for (const s of this.selectors) parts.push(`(${s.describe()})`);
    return parts.join(' ');
  }
}

/** Redis's ACLStringHasSpaces: C's isspace, or NUL. */
export function hasSpaces(s: string): boolean {
  return /[ \t\n\v\f\r\x00]/.test(s);
}

function checkHash(hash: string): string {
  if (!/^[0-9a-f]{64}$/.test(hash)) throw new RuleError(BAD_HASH);
  return hash;
}

/**
 * Split SETUSER arguments into rules, joining a selector written over several arguments
 * (`(~a` `+get)`), as ACLMergeSelectorArguments does. Returns an error text for an open one.
 */
export function mergeSelectorArgs(args: string[]): string[] | { error: string } {
  const out: string[] = [];
  let open: string | null = null;
  for (const a of args) {
    if (open !== null) {
      open += ` ${a}`;
      if (a.endsWith(')')) {
        out.push(open);
        open = null;
      }
    } else if (a.startsWith('(') && !a.endsWith(')')) {
      open = a;
    } else {
      out.push(a);
    }
  }
  if (open !== null) return { error: `Unmatched parenthesis in acl selector starting at '${open}'.` };
  return out;
}
