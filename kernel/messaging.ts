import { injectable } from 'tsyringe';
import { type Publisher, PUBLISHER, type Services } from './services';

/**
 * Publishing for modules that are not pub/sub (keyspace notifications' sources, client-side
 * caching's `__redis__:invalidate` redirects): delivery is the PUBLISHER service, which the
 * pub/sub module provides; without it a publish reaches nobody.
 */
@injectable()
export class Messaging {
  private publisher: Publisher | null = null;

  /** Called by the loader once every module is built. */
  bindServices(services: Services): void {
    this.publisher = services.find(PUBLISHER) ?? null;
  }

  /** Deliver to a channel's subscribers (and matching patterns); returns how many received it. */
  publish(channel: string, message: string): number {
    return this.publisher === null ? 0 : this.publisher(channel, message);
  }
}
