import { type Client, globMatch, StringMap } from '../../kernel';

/** A client's subscriptions, in the order made. */
export class Subscriptions {
  readonly channels = new Set<string>();
  readonly patterns = new Set<string>();
  readonly shard = new Set<string>();

  get total(): number {
    return this.channels.size + this.patterns.size + this.shard.size;
  }
}

/**
 * Subscribers by channel (or pattern), each set in subscription order. Channels live in a
 * StringMap (keyed hash: client-chosen names cannot flood it); patterns in a Map, whose
 * insertion order is the order PUBLISH tries them.
 */
export interface Index {
  readonly size: number;
  get(name: string): Set<Client> | undefined;
  set(name: string, subscribers: Set<Client>): unknown;
  delete(name: string): boolean;
  keys(): Iterable<string>;
}

const MESSAGE = '$7\r\nmessage\r\n';
const PMESSAGE = '$8\r\npmessage\r\n';
const SMESSAGE = '$8\r\nsmessage\r\n';

function bulk(s: string): string {
  return `$${s.length}\r\n${s}\r\n`;
}

/**
 * Write one message to every client of a set: encoded at most once per protocol (an array in
 * RESP2, a push in RESP3), the same string for every receiver.
 */
function deliver(clients: Set<Client>, len: number, body: string): number {
  let resp2: string | null = null;
  let resp3: string | null = null;
  for (const c of clients) {
    if (c.resp === 2) c.pushEncoded((resp2 ??= `*${len}\r\n${body}`));
    else c.pushEncoded((resp3 ??= `>${len}\r\n${body}`));
  }
  return clients.size;
}

/** The server's subscriptions and message delivery (pubsubPublishMessage). */
export class Hub {
  readonly channels: Index = new StringMap<Set<Client>>();
  readonly patterns = new Map<string, Set<Client>>();
  readonly shardChannels: Index = new StringMap<Set<Client>>();

  /** PUBLISH: channel subscribers, then each matching pattern's; returns the receivers. */
  publish(channel: string, message: string): number {
    let receivers = 0;
    const subs = this.channels.get(channel);
    if (subs !== undefined) receivers = deliver(subs, 3, MESSAGE + bulk(channel) + bulk(message));
    if (this.patterns.size !== 0) {
      let tail: string | null = null;
      for (const [pattern, clients] of this.patterns) {
        if (!globMatch(pattern, channel)) continue;
        tail ??= bulk(channel) + bulk(message);
        receivers += deliver(clients, 4, PMESSAGE + bulk(pattern) + tail);
      }
    }
    return receivers;
  }

  /** SPUBLISH: shard channel subscribers only. */
  publishShard(channel: string, message: string): number {
    const subs = this.shardChannels.get(channel);
    return subs === undefined ? 0 : deliver(subs, 3, SMESSAGE + bulk(channel) + bulk(message));
  }
}

/** Add `c` to `name`'s subscribers. */
export function indexAdd(index: Index, name: string, c: Client): void {
  const set = index.get(name);
  if (set === undefined) index.set(name, new Set([c]));
  else set.add(c);
}

/** Remove `c` from `name`'s subscribers; a channel nobody listens to is forgotten. */
export function indexRemove(index: Index, name: string, c: Client): void {
  const set = index.get(name);
  if (set === undefined) return;
  set.delete(c);
  if (set.size === 0) index.delete(name);
}
