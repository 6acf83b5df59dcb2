import { injectable } from 'tsyringe';
import type { Client } from './client';

export type Publisher = (channel: string, message: string) => number;

/** A client's subscriptions: channel names and patterns, each with whether it is a pattern. */
export type SubscriptionLister = (c: Client) => Array<[string, boolean]>;

/**
 * Publishing for modules that are not pub/sub (keyspace notifications' sources, client-side
 * caching's `__redis__:invalidate` redirects): the pub/sub module provides delivery; without
 * it a publish reaches nobody.
 */
@injectable()
export class Messaging {
  private publisher: Publisher | null = null;
  private lister: SubscriptionLister | null = null;

  provide(fn: Publisher, subscriptions: SubscriptionLister): void {
    this.publisher = fn;
    this.lister = subscriptions;
  }

  /** What `c` is subscribed to (ACL drops clients whose channels it no longer allows). */
  subscriptions(c: Client): Array<[string, boolean]> {
    return this.lister === null ? [] : this.lister(c);
  }

  /** Deliver to a channel's subscribers (and matching patterns); returns how many received it. */
  publish(channel: string, message: string): number {
    return this.publisher === null ? 0 : this.publisher(channel, message);
  }
}
