import 'reflect-metadata';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startServer, type DirectiveValue, type Ferrous } from '../../kernel/bootstrap';

/**
 * Start Ferrous in-process on an ephemeral port, quiet, with the default modules and any
 * extra directives (`{ 'disable-module': 'strings' }`, `{ loadmodule: './plugins/hello' }`).
 * Snapshots are off and files go to a fresh temporary directory unless a test says otherwise,
 * so suites neither leave files behind nor load another run's.
 */
export async function startTestServer(config: Record<string, DirectiveValue> = {}): Promise<Ferrous> {
  const disabled = String(config['disable-module'] ?? '');
  const persistence = !/\bpersistence\b/.test(disabled);
  const files: Record<string, DirectiveValue> = persistence ? { save: '', dir: fs.mkdtempSync(path.join(os.tmpdir(), 'ferrous-test-')) } : {};
  return startServer({ config: { port: 0, bind: '127.0.0.1', loglevel: 'warning', ...files, ...config } });
}
