import 'reflect-metadata';
import { injectable } from 'tsyringe';
import type { CommandDefinition } from './spec';
import type { ConfigParam } from '../config/params';
import type { Provision } from '../services';

export interface ModuleOptions {
  /** The module's name, as used in config (`disable-module <name>`) and `requires`. */
  name: string;
  /** Modules that must be loaded for this one to work. */
  requires?: string[];
  /** The kernel services this module provides: `[provide(PUBLISHER, (m: PubSub) => m.publisher)]`. */
  provides?: Provision[];
  /** This module's part of the configuration schema. */
  config?: ConfigParam[];
  /** Defaults for every command of the module (e.g. a group for plugin commands). */
  defaults?: Partial<Pick<CommandDefinition, 'group' | 'acl' | 'since'>>;
}

export type CommandDeclaration = string | (Partial<CommandDefinition> & { name: string });

export interface DeclaredCommand {
  method: string | symbol;
  declaration: CommandDeclaration;
}

const MODULE_KEY = Symbol.for('ferrous:module');
const COMMANDS_KEY = Symbol.for('ferrous:commands');

/**
 * Marks a class as a Ferrous module. Only records metadata and makes the class injectable:
 * the module loader explores it and registers its commands.
 */
export function RedisModule(options: ModuleOptions): ClassDecorator {
  return (target) => {
    Reflect.defineMetadata(MODULE_KEY, options, target);
    injectable()(target as unknown as new (...args: never[]) => unknown);
  };
}

/**
 * Declares a command handler. `@Command('get')` takes Redis 7.0's own metadata for GET;
 * an object declares (or overrides) it: `@Command({ name: 'hello.greet', arity: -1, flags: ['fast'] })`.
 */
export function Command(declaration: CommandDeclaration): MethodDecorator {
  return (target, method) => {
    const ctor = target.constructor;
    const list: DeclaredCommand[] = Reflect.getOwnMetadata(COMMANDS_KEY, ctor) ?? [];
    list.push({ method, declaration });
    Reflect.defineMetadata(COMMANDS_KEY, list, ctor);
  };
}

export function moduleOptions(ctor: unknown): ModuleOptions | undefined {
  return typeof ctor === 'function' ? Reflect.getMetadata(MODULE_KEY, ctor) : undefined;
}

export function declaredCommands(ctor: unknown): DeclaredCommand[] {
  return (Reflect.getOwnMetadata(COMMANDS_KEY, ctor as object) as DeclaredCommand[] | undefined) ?? [];
}
