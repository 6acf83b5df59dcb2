import 'reflect-metadata';
import { startServer, type DirectiveValue, type Ferrous } from '../../kernel/bootstrap';

/**
 * Start Ferrous in-process on an ephemeral port, quiet, with the default modules and any
 * extra directives (`{ 'disable-module': 'strings' }`, `{ loadmodule: './plugins/hello' }`).
 * Snapshots are off unless a test asks for them, so suites leave no dump.rdb behind.
 */
export async function startTestServer(config: Record<string, DirectiveValue> = {}): Promise<Ferrous> {
  const disabled = String(config['disable-module'] ?? '');
  const persistence = !/\bpersistence\b/.test(disabled) && !('save' in config);
  return startServer({
    config: { port: 0, bind: '127.0.0.1', loglevel: 'warning', ...(persistence ? { save: '' } : {}), ...config },
  });
}
