import { injectable } from 'tsyringe';

export type Publisher = (channel: string, message: string) => number;

/**
 * Publishing for modules that are not pub/sub (keyspace notifications' sources, client-side
 * caching's `__redis__:invalidate` redirects): the pub/sub module provides delivery; without
 * it a publish reaches nobody.
 */
@injectable()
export class Messaging {
  private publisher: Publisher | null = null;

  provide(fn: Publisher): void {
    this.publisher = fn;
  }

  /** Deliver to a channel's subscribers (and matching patterns); returns how many received it. */
  publish(channel: string, message: string): number {
    return this.publisher === null ? 0 : this.publisher(channel, message);
  }
}
