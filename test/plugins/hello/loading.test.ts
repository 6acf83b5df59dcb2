import * as net from 'net';
import * as path from 'path';
import { ConfigError, KERNEL_API_VERSION, type Ferrous } from '../../../kernel/bootstrap';
import { waitFor } from '../../helpers/fixtures';
import { RawClient } from '../../helpers/raw-client';
import { startTestServer } from '../../helpers/server';
import type { SlowStartGlobal } from '../fixtures/slow-start';

const fixture = (name: string) => path.join(__dirname, '..', 'fixtures', name);

describe('plugin loading', () => {
  it('refuses a plugin whose manifest needs another kernel API', async () => {
    await expect(startTestServer({ loadmodule: fixture('future-api') })).rejects.toThrow(
      new ConfigError(`Plugin 'future' 3.1.0 needs kernel API ^2.0.0, but this Ferrous provides ${KERNEL_API_VERSION}`),
    );
  });

  it('refuses a plugin that requires a module which is not loaded', async () => {
    await expect(startTestServer({ loadmodule: fixture('needs-strings'), 'disable-module': 'strings' })).rejects.toThrow(
      new ConfigError("Module 'needs-strings' requires module 'strings', which is not loaded"),
    );
    // The same plugin loads when its requirement is there.
    const ferrous = await startTestServer({ loadmodule: fixture('needs-strings') });
    await ferrous.close();
    expect(ferrous.port).toBeGreaterThan(0);
  });

  it('refuses a path that holds no plugin, naming it', async () => {
    await expect(startTestServer({ loadmodule: './plugins/no-such-plugin' })).rejects.toThrow(
      /^Cannot load plugin '\.\/plugins\/no-such-plugin' from .*plugins\/no-such-plugin: Cannot find module/,
    );
  });

  it('refuses the same plugin loaded twice', async () => {
    await expect(startTestServer({ loadmodule: ['./plugins/hello', './plugins/hello'] })).rejects.toThrow(
      new ConfigError("Module 'hello' is loaded twice (plugin './plugins/hello')"),
    );
  });

  it('binds before the modules start: a connection meanwhile is answered -LOADING, then served', async () => {
    const global = globalThis as SlowStartGlobal;
    // A port found free, then bound by the server: if another process took it in between, try another.
    let port = 0;
    let starting: Promise<Ferrous> | null = null;
    for (let attempt = 0; attempt < 5 && starting === null; attempt++) {
      port = await new Promise<number>((resolve) => {
        const probe = net.createServer().listen(0, '127.0.0.1', () => {
          const p = (probe.address() as net.AddressInfo).port;
          probe.close(() => resolve(p));
        });
      });
      global.releaseSlowStart = undefined;
      const start = startTestServer({ port, loadmodule: fixture('slow-start') });
      let failed = false;
      start.catch(() => (failed = true));
      // The server bound its port once the plugin's start is waiting; a failed bind rejects first.
      await waitFor(() => failed || global.releaseSlowStart !== undefined, 'the plugin to start');
      if (!failed) starting = start;
    }
    if (starting === null) throw new Error('no free port in 5 attempts');
    const early = await new Promise<string>((resolve, reject) => {
      const s = net.connect({ port, host: '127.0.0.1' });
      let got = '';
      s.on('data', (d) => (got += d.toString('latin1')));
      s.once('close', () => resolve(got));
      s.once('error', reject);
    });
    expect(early).toBe('-LOADING Redis is loading the dataset in memory\r\n');
    global.releaseSlowStart!();
    const ferrous = await starting;
    const raw = await RawClient.connect(ferrous.port);
    try {
      expect(await raw.call('PING')).toBe('+PONG\r\n');
    } finally {
      raw.close();
      await ferrous.close();
    }
  });

  it('refuses a plugin that brought its own copy of Ferrous, saying which and what to do', async () => {
    await expect(startTestServer({ loadmodule: fixture('second-copy') })).rejects.toThrow(
      new RegExp(
        "^plugin '.*second-copy' loaded a second copy of Ferrous from /elsewhere/my-plugin/node_modules/ferrous, but this server runs .*\\. " +
          "A plugin must use the server's copy: install the plugin into the project that runs Ferrous \\(npm pack it, then npm install the tarball there\\), " +
          "or remove the ferrous package from the plugin's own node_modules\\.$",
      ),
    );
  });

  it('loads without the strings module (and those that need it), whose commands then do not exist', async () => {
    const ferrous = await startTestServer({ loadmodule: './plugins/hello', 'disable-module': 'strings bitmaps hyperloglog' });
    const raw = await RawClient.connect(ferrous.port);
    try {
      expect(await raw.call('GET', 'x')).toBe("-ERR unknown command 'GET', with args beginning with: 'x' \r\n");
      expect(await raw.call('HELLO.COUNT', 'x')).toBe(':1\r\n');
      expect(await raw.call('HELLO.GREET')).toBe('$13\r\nHello, world!\r\n');
    } finally {
      raw.close();
      await ferrous.close();
    }
  });
});
