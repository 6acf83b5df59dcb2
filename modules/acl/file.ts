import * as fs from 'fs';
import { splitArgs } from '../../kernel';

/**
 * The non-empty lines of an ACL file, split as Redis splits them (null for unbalanced
 * quotes); or the error opening it.
 */
export function loadAclFile(file: string): Array<{ line: number; args: string[] | null }> | { error: string } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'latin1');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return { error: `Error loading ACLs, opening file '${file}': ${err.code === 'ENOENT' ? 'No such file or directory' : err.message}` };
  }
  const out: Array<{ line: number; args: string[] | null }> = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
    if (raw === '') continue;
    const args = splitArgs(raw);
    if (args === null || args.length > 0) out.push({ line: i + 1, args });
  }
  return out;
}

/** Write the users, one `user ...` line each, through a temporary file renamed over the old one. */
export function saveAclFile(file: string, lines: string[]): string | null {
  const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
  try {
    fs.writeFileSync(tmp, lines.map((l) => `${l}\n`).join(''), 'latin1');
    fs.renameSync(tmp, file);
    return null;
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    return (e as Error).message;
  }
}
