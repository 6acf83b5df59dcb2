import * as path from 'path';
import { ConfigError, KERNEL_API_VERSION } from '../../../kernel/bootstrap';
import { RawClient } from '../../helpers/raw-client';
import { startTestServer } from '../../helpers/server';

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
