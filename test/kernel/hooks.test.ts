import type { Client } from '../../kernel/client';
import type { RegisteredCommand } from '../../kernel/commands/registry';
import { Hooks } from '../../kernel/hooks';

const client = {} as Client;
const cmd = {} as RegisteredCommand;

describe('Hooks: command listeners and their floors', () => {
  test('with no listener the floor is Infinity: the dispatcher emits nothing', () => {
    expect(new Hooks().commandFloor).toBe(Infinity);
  });

  test('a listener of every command hears of each one, a floored listener only of those as slow as its floor', () => {
    const hooks = new Hooks();
    const every: number[] = [];
    const slow: number[] = [];
    const slowListener = (_c: Client, _cmd: RegisteredCommand, _argv: string[], usec: number) => slow.push(usec);
    hooks.onCommand(slowListener, 100);
    expect(hooks.commandFloor).toBe(100);
    hooks.onCommand((_c, _cmd, _argv, usec) => every.push(usec));
    expect(hooks.commandFloor).toBe(-Infinity);
    for (const usec of [-0.5, 0, 99.9, 100, 250]) hooks.emitCommand(client, cmd, ['SET', 'k', 'v'], usec);
    expect(every).toEqual([-0.5, 0, 99.9, 100, 250]);
    expect(slow).toEqual([100, 250]);
  });

  test('registering a listener again moves its floor instead of adding it twice', () => {
    const hooks = new Hooks();
    const heard: number[] = [];
    const listener = (_c: Client, _cmd: RegisteredCommand, _argv: string[], usec: number) => heard.push(usec);
    hooks.onCommand(listener, 1000);
    hooks.onCommand(listener, Infinity);
    expect(hooks.commandFloor).toBe(Infinity);
    hooks.emitCommand(client, cmd, ['GET', 'k'], 5000);
    hooks.onCommand(listener, 10);
    expect(hooks.commandFloor).toBe(10);
    hooks.emitCommand(client, cmd, ['GET', 'k'], 5);
    hooks.emitCommand(client, cmd, ['GET', 'k'], 20);
    expect(heard).toEqual([20]);
  });
});
