import { DoubleReply, MapReply, type Reply } from '../../kernel';

export type DenyReason = 'command' | 'key' | 'channel' | 'auth';
export type LogContext = 'toplevel' | 'multi' | 'lua';

/** Entries this close in time and otherwise equal are one entry with a count (Redis: 60 s). */
const GROUPING_MS = 60000;

interface Entry {
  count: number;
  reason: DenyReason;
  context: LogContext;
  object: string;
  username: string;
  /** When it last happened (ms). */
  time: number;
  clientInfo: string;
}

/** ACL LOG: denied commands, keys, channels and failed logins, newest first. */
export class AclLog {
  private entries: Entry[] = [];
  maxLen = 128;

  add(reason: DenyReason, context: LogContext, object: string, username: string, clientInfo: string): void {
    const now = Date.now();
    const i = this.entries.findIndex(
      (e) => e.reason === reason && e.context === context && e.object === object && e.username === username && now - e.time < GROUPING_MS,
    );
    if (i >= 0) {
      const [e] = this.entries.splice(i, 1);
      e.count++;
      e.time = now;
      e.clientInfo = clientInfo;
      this.entries.unshift(e);
    } else {
      this.entries.unshift({ count: 1, reason, context, object, username, time: now, clientInfo });
    }
    this.trim();
  }

  trim(): void {
    if (this.entries.length > this.maxLen) this.entries.length = this.maxLen;
  }

  reset(): void {
    this.entries = [];
  }

  reply(count: number): Reply {
    const now = Date.now();
    return this.entries.slice(0, count).map(
      (e) =>
        new MapReply([
          'count', e.count,
          'reason', e.reason,
          'context', e.context,
          'object', e.object,
          'username', e.username,
          'age-seconds', new DoubleReply((now - e.time) / 1000),
          'client-info', e.clientInfo,
        ]),
    );
  }
}
