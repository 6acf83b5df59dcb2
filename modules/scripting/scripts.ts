import { sha1 } from 'js-sha1';
import { ReplyError } from '../../kernel';
import type { ScriptEngine } from './engine';
import { compiledBytes, scriptBytes } from './memory';

const SCRIPT_FLAGS = new Set(['no-writes', 'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys']);

/** A script's `#!lua flags=...` line (evalExtractShebangFlags): its flags and the code to compile. */
export function parseShebang(body: string): { flags: Set<string>; code: string; shebang: boolean } {
  if (!body.startsWith('#!')) return { flags: new Set(), code: body, shebang: false };
  const nl = body.indexOf('\n');
  const line = nl < 0 ? body : body.slice(0, nl);
  const parts = line.slice(2).split(' ').filter((p) => p !== '');
  if (parts[0] !== 'lua') throw new ReplyError(`ERR Unexpected engine in script shebang: ${line}`);
  const flags = new Set<string>();
  for (const part of parts.slice(1)) {
    if (!part.startsWith('flags=')) throw new ReplyError(`ERR Unknown lua shebang option: ${part}`);
    for (const f of part.slice(6).split(',')) {
      if (f === '') continue;
      if (!SCRIPT_FLAGS.has(f)) throw new ReplyError(`ERR Unexpected flag in script shebang: ${f}`);
      flags.add(f);
    }
  }
  // The shebang line becomes a comment, so line numbers stay right.
  return { flags, code: `--${body.slice(2)}`, shebang: true };
}

export interface CachedScript {
  ref: number;
  flags: Set<string>;
  /** Declared with `#!lua`: its flags replace EVAL's (no shebang is Redis's compatibility mode). */
  shebang: boolean;
}

/** EVAL's script cache: one for all connections, each script compiled once, by SHA1. */
export class ScriptCache {
  private readonly scripts = new Map<string, CachedScript>();
  /** INFO memory: what the cached bodies take (used_memory_scripts_eval) and their compiled code in the VM. */
  bytes = 0;
  compiledBytes = 0;

  constructor(private readonly engine: ScriptEngine) {}

  /** SCRIPT LOAD / EVAL: the script's SHA1, compiling it unless cached. */
  load(body: string): [string, CachedScript] {
    const sha = sha1(Buffer.from(body, 'latin1'));
    const cached = this.scripts.get(sha);
    if (cached !== undefined) return [sha, cached];
    const { flags, code, shebang } = parseShebang(body);
    let ref: number;
    try {
      ref = this.engine.compile(code);
    } catch (e) {
      throw new ReplyError(`ERR Error compiling script (new function): ${(e as Error).message.replace(/[\r\n]/g, ' ')}`);
    }
    const script = { ref, flags, shebang };
    this.scripts.set(sha, script);
    this.bytes += scriptBytes(body.length);
    this.compiledBytes += compiledBytes(code.length);
    return [sha, script];
  }

  get(sha: string): CachedScript | undefined {
    return this.scripts.get(sha.toLowerCase());
  }

  has(sha: string): boolean {
    return this.scripts.has(sha.toLowerCase());
  }

  flush(): void {
    this.scripts.clear();
    this.bytes = 0;
    this.compiledBytes = 0;
    this.engine.reset();
  }

  get size(): number {
    return this.scripts.size;
  }
}
