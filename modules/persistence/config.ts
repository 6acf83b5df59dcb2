import * as fs from 'fs';
import type { ConfigParam, ConfigValue } from '../../kernel';

/** A save point: save when at least `changes` writes happened within `seconds`. */
export interface SavePoint {
  seconds: number;
  changes: number;
}

const INVALID_SAVE = 'Invalid save parameters';

/** setConfigSaveOption: "3600 1 300 100" pairs; `save ""` means none. Null when invalid. */
export function parseSavePoints(v: ConfigValue): SavePoint[] | null {
  const tokens = (Array.isArray(v) ? v : [String(v)]).join(' ').split(/\s+/).filter((t) => t !== '');
  if (tokens.length % 2 !== 0) return null;
  const out: SavePoint[] = [];
  for (let i = 0; i < tokens.length; i += 2) {
    if (!/^[+-]?\d+$/.test(tokens[i]) || !/^[+-]?\d+$/.test(tokens[i + 1])) return null;
    const seconds = Number(tokens[i]);
    const changes = Number(tokens[i + 1]);
    if (seconds < 1 || changes < 0) return null;
    out.push({ seconds, changes });
  }
  return out;
}

export const persistenceParams: ConfigParam[] = [
  {
    name: 'dir',
    type: 'string',
    protected: true,
    default: '.',
    doc: 'Directory of the RDB file (relative paths are relative to the working directory).',
    validate: (v) => (fs.existsSync(String(v)) && fs.statSync(String(v)).isDirectory() ? undefined : 'No such file or directory'),
  },
  {
    name: 'dbfilename',
    type: 'string',
    protected: true,
    default: 'dump.rdb',
    doc: 'Name of the RDB file in `dir`.',
    validate: (v) => (/[/\\]/.test(String(v)) ? "dbfilename can't be a path, just a filename" : undefined),
  },
  {
    name: 'save',
    type: 'list',
    default: ['3600 1 300 100 60 10000'],
    replaceDefault: true,
    doc: 'Save points `<seconds> <changes>` (repeatable; several pairs per line allowed): BGSAVE when at least <changes> writes happened in <seconds>. `save ""` disables.',
    validate: (v) => (parseSavePoints(v) === null ? INVALID_SAVE : undefined),
  },
  {
    name: 'stop-writes-on-bgsave-error',
    type: 'bool',
    default: true,
    doc: 'While the last background save failed (and save points are set), refuse writes with MISCONF until a save succeeds.',
  },
  { name: 'rdbcompression', type: 'bool', default: true, doc: 'Compress strings longer than 20 bytes in RDB files with LZF when that saves space.' },
  { name: 'rdbchecksum', type: 'bool', default: true, doc: 'Write a CRC64 checksum at the end of RDB files and verify it when loading.' },
];
