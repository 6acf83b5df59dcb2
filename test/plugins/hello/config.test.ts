import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Redis from 'ioredis';
import { ConfigError, startServer, type Ferrous } from '../../../kernel/bootstrap';
import { RawClient } from '../../helpers/raw-client';
import { startTestServer } from '../../helpers/server';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferrous-hello-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Write a Redis-style config file; every server here listens on a free local port, quietly. */
function configFile(name: string, ...lines: string[]): string {
  const file = path.join(dir, name);
  // Data files stay in the test's own directory: nothing is loaded from or saved to the cwd.
  fs.writeFileSync(file, ['port 0', 'bind 127.0.0.1', 'loglevel warning', 'save ""', `dir ${dir}`, ...lines, ''].join('\n'));
  return file;
}

async function greet(ferrous: Ferrous, ...args: string[]): Promise<string> {
  const raw = await RawClient.connect(ferrous.port);
  try {
    return await raw.call('HELLO.GREET', ...args);
  } finally {
    raw.close();
  }
}

describe('hello-greeting', () => {
  let ferrous: Ferrous;
  let io: Redis;

  beforeAll(async () => {
    ferrous = await startTestServer({ loadmodule: './plugins/hello', 'hello-greeting': 'Hi' });
    io = new Redis({ port: ferrous.port, host: '127.0.0.1', enableReadyCheck: false, maxRetriesPerRequest: 0 });
  });
  afterAll(async () => {
    io.disconnect();
    await ferrous.close();
  });

  it('is readable and settable with CONFIG GET/SET, and the command follows it', async () => {
    expect(await io.config('GET', 'hello-greeting')).toEqual(['hello-greeting', 'Hi']);
    expect(await io.config('GET', 'hello-*')).toEqual(['hello-greeting', 'Hi']);
    expect(await io.config('SET', 'hello-greeting', 'Good day')).toBe('OK');
    expect(await io.call('HELLO.GREET', 'Ada')).toBe('Good day, Ada!');
    expect(await io.config('GET', 'hello-greeting')).toEqual(['hello-greeting', 'Good day']);
  });

  it('refuses invalid values with CONFIG SET\'s error and keeps the old one', async () => {
    await io.config('SET', 'hello-greeting', 'Hi');
    await expect(io.config('SET', 'hello-greeting', '')).rejects.toThrow(
      "ERR CONFIG SET failed (possibly related to argument 'hello-greeting') - greeting must not be empty",
    );
    await expect(io.config('SET', 'hello-greeting', 'a\r\nb')).rejects.toThrow(
      "ERR CONFIG SET failed (possibly related to argument 'hello-greeting') - greeting must not contain control characters",
    );
    expect(await io.call('HELLO.GREET')).toBe('Hi, world!');
  });

  it('defaults to Hello', async () => {
    const other = await startTestServer({ loadmodule: './plugins/hello' });
    try {
      expect(await greet(other)).toBe('$13\r\nHello, world!\r\n');
    } finally {
      await other.close();
    }
  });
});

describe('loading from a config file and flags', () => {
  it('loads with `loadmodule` and takes the plugin\'s own directive from the same file', async () => {
    const ferrous = await startServer({ configFile: configFile('hey.conf', 'loadmodule ./plugins/hello', 'hello-greeting Hey') });
    try {
      expect(await greet(ferrous, 'you')).toBe('$9\r\nHey, you!\r\n');
    } finally {
      await ferrous.close();
    }
  });

  it('accepts a quoted greeting with spaces, and flags after the file win', async () => {
    const file = configFile('quoted.conf', 'loadmodule ./plugins/hello', 'hello-greeting "Good morning"');
    const fromFile = await startServer({ configFile: file });
    try {
      expect(await greet(fromFile)).toBe('$20\r\nGood morning, world!\r\n');
    } finally {
      await fromFile.close();
    }
    const withFlag = await startServer({ argv: [file, '--hello-greeting', 'Howdy'] });
    try {
      expect(await greet(withFlag)).toBe('$13\r\nHowdy, world!\r\n');
    } finally {
      await withFlag.close();
    }
  });

  it('loads with the --loadmodule flag', async () => {
    const ferrous = await startServer({
      argv: ['--port', '0', '--bind', '127.0.0.1', '--loglevel', 'warning', '--save', '', '--dir', dir, '--loadmodule', './plugins/hello'],
    });
    try {
      expect(await greet(ferrous, 'flag')).toBe('$12\r\nHello, flag!\r\n');
    } finally {
      await ferrous.close();
    }
  });

  it('refuses an invalid greeting in the file, naming the line', async () => {
    const file = configFile('bad.conf', 'loadmodule ./plugins/hello', 'hello-greeting "two\\nlines"');
    const err = await startServer({ configFile: file }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toMatchObject({
      message: 'greeting must not contain control characters',
      // After the five lines configFile writes first.
      line: 7,
      text: 'hello-greeting "two\\nlines"',
    });
  });

  it('does not know hello-greeting without the plugin', async () => {
    await expect(startServer({ configFile: configFile('noplugin.conf', 'hello-greeting Hey') })).rejects.toThrow(
      new ConfigError('Bad directive or wrong number of arguments'),
    );
  });
});
