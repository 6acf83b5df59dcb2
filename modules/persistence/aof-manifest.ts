import * as fs from 'fs';
import * as path from 'path';
import { splitArgs } from '../../kernel';

/**
 * Redis 7.0's multi-part AOF manifest (aof.c): one line per file,
 * `file <name> seq <n> type <b|h|i>`, the base first, then history, then incremental files.
 */
export type AofFileType = 'b' | 'h' | 'i';

export interface AofFileInfo {
  name: string;
  seq: number;
  type: AofFileType;
}

export interface AofManifest {
  base: AofFileInfo | null;
  incr: AofFileInfo[];
  history: AofFileInfo[];
  /** The highest sequence numbers used so far (names of new files continue from them). */
  baseSeq: number;
  incrSeq: number;
}

export class ManifestError extends Error {}

export const MANIFEST_SUFFIX = '.manifest';

export function emptyManifest(): AofManifest {
  return { base: null, incr: [], history: [], baseSeq: 0, incrSeq: 0 };
}

export function cloneManifest(m: AofManifest): AofManifest {
  return { base: m.base && { ...m.base }, incr: m.incr.map((f) => ({ ...f })), history: m.history.map((f) => ({ ...f })), baseSeq: m.baseSeq, incrSeq: m.incrSeq };
}

export const manifestName = (aofName: string): string => `${aofName}${MANIFEST_SUFFIX}`;
export const tempManifestName = (aofName: string): string => `temp-${aofName}${MANIFEST_SUFFIX}`;
export const baseName = (aofName: string, seq: number, rdb: boolean): string => `${aofName}.${seq}.base.${rdb ? 'rdb' : 'aof'}`;
export const incrName = (aofName: string, seq: number): string => `${aofName}.${seq}.incr.aof`;

/** sdscatrepr, for names that need quoting (spaces, quotes, control bytes). */
function repr(s: string): string {
  if (!/[\x00-\x20"'\\\x7f-\xff]/.test(s)) return s;
  let out = '"';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (ch === '\\' || ch === '"') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c >= 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** getAofManifestAsString. */
export function formatManifest(m: AofManifest): string {
  const line = (f: AofFileInfo) => `file ${repr(f.name)} seq ${f.seq} type ${f.type}\n`;
  let out = '';
  if (m.base !== null) out += line(m.base);
  for (const f of m.history) out += line(f);
  for (const f of m.incr) out += line(f);
  return out;
}

/** aofLoadManifestFromFile: strict; a bad manifest refuses the start with Redis's messages. */
export function parseManifest(text: string): AofManifest {
  const m = emptyManifest();
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) throw new ManifestError('Found an empty AOF manifest');
  let maxSeq = 0;
  lines.forEach((raw, i) => {
    if (raw.startsWith('#')) return;
    const fail = (msg: string): never => {
      throw new ManifestError(`Reading the manifest file, at line ${i + 1}: >>> '${raw.trim()}': ${msg}`);
    };
    const line = raw.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
    if (line === '') fail('Invalid AOF manifest file format');
    const argv = splitArgs(line);
    if (argv === null || argv.length < 6 || argv.length % 2 !== 0) fail('Invalid AOF manifest file format');
    let name = '';
    let seq = 0;
    let type = '';
    for (let k = 0; k < argv!.length; k += 2) {
      const key = argv![k].toLowerCase();
      if (key === 'file') {
        name = argv![k + 1];
        if (path.basename(name) !== name) fail("File can't be a path, just a filename");
      } else if (key === 'seq') {
        seq = parseInt(argv![k + 1], 10) || 0;
      } else if (key === 'type') {
        type = argv![k + 1][0] ?? '';
      }
    }
    if (name === '' || seq === 0 || type === '') fail('Invalid AOF manifest file format');
    const info: AofFileInfo = { name, seq, type: type as AofFileType };
    if (type === 'b') {
      if (m.base !== null) fail('Found duplicate base file information');
      m.base = info;
      m.baseSeq = seq;
    } else if (type === 'h') {
      m.history.push(info);
    } else if (type === 'i') {
      if (seq <= maxSeq) fail('Found a non-monotonic sequence number');
      m.incr.push(info);
      m.incrSeq = seq;
      maxSeq = seq;
    } else {
      fail('Unknown AOF file type');
    }
  });
  return m;
}

/** The manifest in `dir`, or null when there is none. */
export function readManifest(dir: string, aofName: string): AofManifest | null {
  const file = path.join(dir, manifestName(aofName));
  let text: string;
  try {
    text = fs.readFileSync(file, 'latin1');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ManifestError(`Fatal error: can't open the AOF manifest file ${file} for reading: ${(e as Error).message}`);
  }
  return parseManifest(text);
}

/** persistAofManifest: write a temporary file, fsync, rename over the manifest, fsync the directory. */
export function writeManifest(dir: string, aofName: string, m: AofManifest): void {
  const tmp = path.join(dir, tempManifestName(aofName));
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, formatManifest(m), null, 'latin1');
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, path.join(dir, manifestName(aofName)));
  fsyncDir(dir);
}

export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Not every file system lets a directory be fsynced; the rename is still atomic.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
