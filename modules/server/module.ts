import { type Logger, MapReply, OK, type Plugins, type Reply, ReplyError, StatusReply } from '../../kernel';

const LOAD_FAILED = new ReplyError('ERR Error loading the extension. Please check the server logs.');

export const MODULE_HELP = [
  'LIST',
  '    Return a list of loaded modules.',
  'LOAD <path> [<arg> ...]',
  '    Load a module library from <path>, passing to it any optional arguments.',
  'LOADEX <path> [[CONFIG NAME VALUE] [CONFIG NAME VALUE]] [ARGS ...]',
  '    Load a module library from <path>, while passing it module configurations and optional arguments.',
  'UNLOAD <name>',
  '    Unload a module.',
];

/** A plugin's semver as Redis modules number their versions (1.2.3 -> 10203). */
export function moduleVersion(version: string): number {
  const [major, minor, patch] = version.split('.').map((n) => parseInt(n, 10) || 0);
  return (major ?? 0) * 10000 + (minor ?? 0) * 100 + (patch ?? 0);
}

/** MODULE LIST: each plugin as Redis lists a module (name, ver, path, args). */
export function moduleList(plugins: Plugins): Reply {
  return plugins.list().map((p) => new MapReply(['name', p.name, 'ver', moduleVersion(p.version), 'path', p.path, 'args', []]));
}

/** INFO modules: a `module:` line per plugin. */
export function moduleInfo(plugins: Plugins): [string, string][] {
  return plugins.list().map((p) => ['module', `name=${p.name},ver=${moduleVersion(p.version)},api=1,filters=0,usedby=[],using=[],options=[]`]);
}

/**
 * MODULE LOAD / LOADEX: a plugin by path or package name. Ferrous plugins take their settings
 * as config parameters (LOADEX's CONFIG pairs), not arguments; any failure is logged and
 * answers Redis's generic error.
 */
export async function moduleLoad(plugins: Plugins, logger: Logger, argv: string[], ex: boolean): Promise<Reply> {
  const target = argv[2];
  const configs: [string, string][] = [];
  let args = argv.slice(3);
  if (ex) {
    let i = 3;
    for (; i < argv.length; i++) {
      const word = argv[i].toLowerCase();
      if (word === 'config' && i + 2 < argv.length) {
        configs.push([argv[i + 1], argv[i + 2]]);
        i += 2;
      } else if (word === 'args') {
        i++;
        break;
      } else {
        logger.warning(`MODULE LOADEX ${target}: bad argument '${argv[i]}' (CONFIG name value, then ARGS)`);
        return LOAD_FAILED;
      }
    }
    args = argv.slice(i);
  }
  if (args.length !== 0) {
    logger.warning(`Module ${target} failed to load: Ferrous plugins take no arguments, only config parameters (MODULE LOADEX ... CONFIG name value)`);
    return LOAD_FAILED;
  }
  try {
    await plugins.load(target, configs);
  } catch (e) {
    logger.warning(`Module ${target} failed to load: ${(e as Error).message}`);
    return LOAD_FAILED;
  }
  return OK;
}

export function moduleUnload(plugins: Plugins, name: string): Reply {
  const refused = plugins.unload(name);
  return refused === null ? OK : new ReplyError(`ERR Error unloading module: ${refused}`);
}

export function moduleHelp(): Reply {
  return [new StatusReply('MODULE <subcommand> [<arg> [value] [opt] ...]. Subcommands are:'), ...[...MODULE_HELP, 'HELP', '    Prints this help.'].map((l) => new StatusReply(l))];
}
