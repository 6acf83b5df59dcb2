import { Command, type CommandContext, PONG, RedisModule, type Reply } from '../../kernel';

@RedisModule({ name: 'connection' })
export default class ConnectionModule {
  @Command('ping')
  ping(_ctx: CommandContext, argv: string[]): Reply {
    return argv.length > 1 ? argv[1] : PONG;
  }
}
