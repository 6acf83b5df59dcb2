import * as fs from 'fs';
import { splitArgs } from '../../kernel';

/** The non-empty lines of an ACL file, split as Redis splits them; or the error reading it. */
export function loadAclFile(file: string): Array<{ line: number; args: string[] }> | { error: string } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'latin1');
  } catch (e) {
    return { error: `Error loading ACLs, opening file '${file}': ${(e as Error).message}` };
  }
  const out: Array<{ line: number; args: string[] }> = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (raw === '' || raw.startsWith('#')) continue;
    const args = splitArgs(raw);
    if (args === null) return { error: `${file}:${i + 1}: unbalanced quotes in acl line. ` };
    if (args.length > 0) out.push({ line: i + 1, args });
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
