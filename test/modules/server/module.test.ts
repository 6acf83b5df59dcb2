import * as path from 'path';
import { useServer } from '../../helpers/fixtures';

const UNLOADABLE = path.resolve(__dirname, '../../plugins/fixtures/unloadable');
const HELLO = path.resolve(__dirname, '../../../plugins/hello');

describe('MODULE LOAD / LOADEX / UNLOAD / LIST on plugins', () => {
  const f = useServer({ 'enable-module-command': 'yes' });

  it('loads a plugin at run time: its commands, config and INFO modules line appear, and UNLOAD removes them', async () => {
    expect(await f.raw.call('MODULE', 'LIST')).toBe('*0\r\n');
    expect(await f.raw.call('MODULE', 'LOAD', UNLOADABLE)).toBe('+OK\r\n');
    expect(await f.raw.call('UNLOADABLE.SAY')).toBe('$5\r\ntwice\r\n');
    expect(await f.io.call('MODULE', 'LIST')).toEqual([['name', 'unloadable', 'ver', 10203, 'path', UNLOADABLE, 'args', []]]);
    expect(await f.io.call('INFO', 'modules')).toContain('module:name=unloadable,ver=10203,api=1,filters=0,usedby=[],using=[],options=[]');
    expect(await f.io.config('GET', 'unloadable-word')).toEqual(['unloadable-word', 'twice']);
    expect(await f.raw.call('MODULE', 'LOAD', UNLOADABLE)).toBe('-ERR Error loading the extension. Please check the server logs.\r\n');

    expect(await f.raw.call('MODULE', 'UNLOAD', 'unloadable')).toBe('+OK\r\n');
    expect(await f.raw.call('UNLOADABLE.SAY')).toBe("-ERR unknown command 'UNLOADABLE.SAY', with args beginning with: \r\n");
    expect(await f.io.config('GET', 'unloadable-word')).toEqual([]);
    expect(await f.raw.call('MODULE', 'LIST')).toBe('*0\r\n');
    expect(await f.raw.call('MODULE', 'UNLOAD', 'unloadable')).toBe('-ERR Error unloading module: no such module with that name\r\n');
  });

  it('LOADEX sets the plugin parameters first; a bad one refuses the load', async () => {
    expect(await f.raw.call('MODULE', 'LOADEX', UNLOADABLE, 'CONFIG', 'unloadable-word', 'thrice')).toBe('+OK\r\n');
    expect(await f.raw.call('UNLOADABLE.SAY')).toBe('$6\r\nthrice\r\n');
    expect(await f.raw.call('MODULE', 'UNLOAD', 'unloadable')).toBe('+OK\r\n');
    for (const bad of [
      ['MODULE', 'LOADEX', UNLOADABLE, 'CONFIG', 'nosuch-param', 'x'],
      ['MODULE', 'LOADEX', UNLOADABLE, 'CONFIG', 'unloadable-word'],
      ['MODULE', 'LOADEX', UNLOADABLE, 'ARGS', 'a'],
      ['MODULE', 'LOAD', UNLOADABLE, 'arg'],
      ['MODULE', 'LOAD', '/nonexistent/plugin'],
    ]) {
      expect(await f.raw.call(...bad)).toBe('-ERR Error loading the extension. Please check the server logs.\r\n');
    }
    expect(await f.raw.call('MODULE', 'LIST')).toBe('*0\r\n');
    expect(await f.raw.call('UNLOADABLE.SAY')).toMatch(/^-ERR unknown command/);
  });

  it('refuses to unload a plugin whose data types exist, as Redis does', async () => {
    expect(await f.raw.call('MODULE', 'LOAD', HELLO)).toBe('+OK\r\n');
    expect(await f.raw.call('HELLO.COUNT', 'k')).toBe(':1\r\n');
    expect(await f.raw.call('MODULE', 'UNLOAD', 'hello')).toBe("-ERR Error unloading module: the module exports one or more module-side data types, can't unload\r\n");
    expect(await f.raw.call('HELLO.COUNT', 'k')).toBe(':2\r\n');
  });
});

describe('INFO sections a plugin owns', () => {
  const f = useServer({ 'enable-module-command': 'yes' });

  it('prints them by name, for INFO modules and INFO everything (after Redis\'s), not in a plain INFO', async () => {
    expect(await f.raw.call('INFO', 'hello_stats')).toBe('$0\r\n\r\n');
    expect(await f.raw.call('MODULE', 'LOAD', HELLO)).toBe('+OK\r\n');
    await f.raw.call('HELLO.GREET');
    await f.raw.call('HELLO.GREET', 'Ada');
    expect(await f.io.call('INFO', 'hello_stats')).toBe('# Hello_stats\r\ngreetings:2\r\n');
    expect(await f.io.call('INFO', 'HELLO_STATS', 'server')).toMatch(/^# Server\r\n[^]*\r\n\r\n# Hello_stats\r\ngreetings:2\r\n$/);
    expect(await f.io.call('INFO', 'modules')).toMatch(/^# Modules\r\nmodule:name=hello,[^\r]*\r\n\r\n# Hello_stats\r\ngreetings:2\r\n$/);
    const everything = (await f.io.call('INFO', 'everything')) as string;
    expect(everything.indexOf('# Hello_stats')).toBeGreaterThan(everything.indexOf('# Keyspace'));
    expect(await f.io.call('INFO')).not.toContain('Hello_stats');
    expect(await f.io.call('INFO', 'all')).not.toContain('Hello_stats');
  });

  it('goes away with MODULE UNLOAD and comes back with the next LOAD', async () => {
    expect(await f.raw.call('MODULE', 'LOAD', UNLOADABLE)).toBe('+OK\r\n');
    expect(await f.io.call('INFO', 'unloadable')).toBe('# Unloadable\r\nword:twice\r\n');
    expect(await f.raw.call('MODULE', 'UNLOAD', 'unloadable')).toBe('+OK\r\n');
    expect(await f.raw.call('INFO', 'unloadable')).toBe('$0\r\n\r\n');
    expect(await f.raw.call('MODULE', 'LOADEX', UNLOADABLE, 'CONFIG', 'unloadable-word', 'again')).toBe('+OK\r\n');
    expect(await f.io.call('INFO', 'unloadable')).toBe('# Unloadable\r\nword:again\r\n');
  });
});
