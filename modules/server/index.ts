import {
  Command,
  type CommandContext,
  CommandTable,
  Config,
  type HandlerResult,
  inject,
  Keyspace,
  Logger,
  OK,
  Plugins,
  RedisModule,
  type Reply,
  Server,
  VerbatimReply,
} from '../../kernel';
import { COMMAND_HELP, countReply, docsReply, infoReply, listReply } from './command';
import { CONFIG_HELP, configGet, configSet, resetStats } from './config';
import { flushAll, flushDb } from './flush';
import { getKeys } from './getkeys';
import { InfoReport } from './info';
import { rewriteConfigFile } from './rewrite';
import { moduleHelp, moduleInfo, moduleList, moduleLoad, moduleUnload } from './module';
import { shutdown, time } from './lifecycle';

/** Server administration: FLUSH*, DBSIZE, INFO, CONFIG, COMMAND, TIME, SHUTDOWN. */
@RedisModule({ name: 'server' })
export default class ServerModule {
  private readonly info: InfoReport;

  constructor(
    @inject(Server) private readonly server: Server,
    @inject(Config) private readonly config: Config,
    @inject(Keyspace) private readonly keyspace: Keyspace,
    @inject(CommandTable) private readonly table: CommandTable,
    @inject(Plugins) private readonly plugins: Plugins,
    @inject(Logger) private readonly logger: Logger,
  ) {
    this.info = new InfoReport(server, config, keyspace, table);
    server.hooks.onInfo('modules', () => moduleInfo(plugins));
    // A parameter of the eviction module (lazy freeing), or Redis's inert one without it.
    config.watch('lazyfree-lazy-user-flush', (v) => (this.lazyUserFlush = v === true));
  }

  private lazyUserFlush = false;

  @Command('module|help')
  moduleHelp(): Reply {
    return moduleHelp();
  }

  @Command('module|list')
  moduleList(): Reply {
    return moduleList(this.plugins);
  }

  @Command('module|load')
  moduleLoad(ctx: CommandContext, argv: string[]): Promise<Reply> {
    return moduleLoad(this.plugins, this.logger, argv, false);
  }

  @Command('module|loadex')
  moduleLoadex(ctx: CommandContext, argv: string[]): Promise<Reply> {
    return moduleLoad(this.plugins, this.logger, argv, true);
  }

  @Command('module|unload')
  moduleUnload(ctx: CommandContext, argv: string[]): Reply {
    return moduleUnload(this.plugins, argv[2]);
  }

  @Command('flushall')
  flushall(_ctx: CommandContext, argv: string[]): Reply {
    return flushAll(this.keyspace, argv, this.lazyUserFlush);
  }

  @Command('flushdb')
  flushdb(ctx: CommandContext, argv: string[]): Reply {
    return flushDb(ctx, this.keyspace, argv, this.lazyUserFlush);
  }

  @Command('dbsize')
  dbsize(ctx: CommandContext): Reply {
    return ctx.db.size;
  }

  @Command('time')
  time(): Reply {
    return time();
  }

  @Command('shutdown')
  shutdown(_ctx: CommandContext, argv: string[]): HandlerResult {
    return shutdown(this.server, argv);
  }

  @Command('info')
  infoCommand(ctx: CommandContext, argv: string[]): Reply {
    const text = this.info.render(argv.slice(1));
    return ctx.resp === 3 ? new VerbatimReply('txt', text) : text;
  }

  @Command('config|get')
  configGet(_ctx: CommandContext, argv: string[]): Reply {
    return configGet(this.config, argv);
  }

  @Command('config|set')
  configSet(ctx: CommandContext, argv: string[]): Reply | Promise<Reply> {
    return configSet(this.config, this.server, argv, ctx);
  }

  @Command('config|rewrite')
  configRewrite(): Reply {
    rewriteConfigFile(this.config);
    return OK;
  }

  @Command('config|resetstat')
  configResetstat(): Reply {
    return resetStats(this.server, this.keyspace, this.table);
  }

  @Command('config|help')
  configHelp(): Reply {
    return CONFIG_HELP;
  }

  @Command('command')
  command(): Reply {
    return infoReply(this.table, []);
  }

  @Command('command|count')
  commandCount(): Reply {
    return countReply(this.table);
  }

  @Command('command|info')
  commandInfo(_ctx: CommandContext, argv: string[]): Reply {
    return infoReply(this.table, argv.slice(2));
  }

  @Command('command|docs')
  commandDocs(_ctx: CommandContext, argv: string[]): Reply {
    return docsReply(this.table, argv.slice(2));
  }

  @Command('command|list')
  commandList(_ctx: CommandContext, argv: string[]): Reply {
    return listReply(this.table, argv);
  }

  @Command('command|getkeys')
  commandGetkeys(_ctx: CommandContext, argv: string[]): Reply {
    return getKeys(this.table, argv, false);
  }

  @Command('command|getkeysandflags')
  commandGetkeysandflags(_ctx: CommandContext, argv: string[]): Reply {
    return getKeys(this.table, argv, true);
  }

  @Command('command|help')
  commandHelp(): Reply {
    return COMMAND_HELP;
  }
}
