import { Command, type CommandContext, inject, Keyspace, RedisModule, type Reply, type TypeRegistry } from '../../kernel';
import { sortCommand } from './sort';
import { sortKeys, sortRoKeys } from './keys';

/**
 * SORT and SORT_RO. Knows no data-type module: elements, hash fields and the stored list all
 * go through the types registered with the keyspace.
 */
@RedisModule({ name: 'sort' })
export default class SortModule {
  private readonly types: TypeRegistry;

  constructor(@inject(Keyspace) keyspace: Keyspace) {
    this.types = keyspace.types;
  }

  @Command({ name: 'sort', getKeys: sortKeys })
  sort(ctx: CommandContext, argv: string[]): Reply {
    return sortCommand(ctx, this.types, argv, false);
  }

  @Command({ name: 'sort_ro', getKeys: sortRoKeys })
  sortRo(ctx: CommandContext, argv: string[]): Reply {
    return sortCommand(ctx, this.types, argv, true);
  }
}
