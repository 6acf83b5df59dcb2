import 'reflect-metadata';
import { startServer, type DirectiveValue, type Ferrous } from '../../kernel/bootstrap';

/**
 * Start Ferrous in-process on an ephemeral port, quiet, with the default modules and any
 * extra directives (`{ 'disable-module': 'strings' }`, `{ loadmodule: './plugins/hello' }`).
 */
export async function startTestServer(config: Record<string, DirectiveValue> = {}): Promise<Ferrous> {
  return startServer({ config: { port: 0, bind: '127.0.0.1', loglevel: 'warning', ...config } });
}
