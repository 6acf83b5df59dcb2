import { type Client, flatten, type Reply } from '../../kernel';

/** Redis's SLOWLOG_ENTRY_MAX_ARGC and SLOWLOG_ENTRY_MAX_STRING. */
const MAX_ARGC = 32;
const MAX_STRING = 128;

interface Entry {
  id: number;
  time: number;
  usec: number;
  argv: string[];
  peer: string;
  name: string;
}

/** The slow log: newest first, at most `maxLen` entries (slowlog.c). */
export class SlowLog {
  private entries: Entry[] = [];
  private nextId = 0;
  maxLen = 128;

  push(c: Client, argv: string[], usec: number, peer: string): void {
    const argc = Math.min(argv.length, MAX_ARGC);
    const kept: string[] = new Array<string>(argc);
    for (let j = 0; j < argc; j++) {
      const a = argv[j];
      if (argc !== argv.length && j === argc - 1) kept[j] = `... (${argv.length - argc + 1} more arguments)`;
      // Flattened: the slice would otherwise keep the whole argument alive as long as the entry.
      else if (a.length > MAX_STRING) kept[j] = flatten(`${a.slice(0, MAX_STRING)}... (${a.length - MAX_STRING} more bytes)`);
      else kept[j] = a;
    }
    this.entries.unshift({ id: this.nextId++, time: Math.floor(Date.now() / 1000), usec, argv: kept, peer, name: c.name });
    this.trim();
  }

  trim(): void {
    if (this.entries.length > this.maxLen) this.entries.length = this.maxLen;
  }

  get length(): number {
    return this.entries.length;
  }

  reset(): void {
    this.entries = [];
  }

  /** The newest `count` entries (-1: all) as SLOWLOG GET replies them. */
  get(count: number): Reply[] {
    const list = count < 0 ? this.entries : this.entries.slice(0, count);
    return list.map((e) => [e.id, e.time, e.usec, e.argv, e.peer, e.name]);
  }
}
