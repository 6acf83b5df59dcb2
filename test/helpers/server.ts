import 'reflect-metadata';
import { startServer, type DirectiveValue, type Ferrous } from '../../kernel/bootstrap';

/**
 * Start Ferrous in-process as an ephemeral server (loopback, a free port, warnings only, no
 * snapshots, files in a temporary directory that close() removes) with the default modules and
 * any extra directives (`{ 'disable-module': 'strings' }`, `{ loadmodule: './plugins/hello' }`),
 * so suites neither leave files behind nor load another run's.
 */
export function startTestServer(config: Record<string, DirectiveValue> = {}): Promise<Ferrous> {
  return startServer({ ephemeral: true, config });
}
