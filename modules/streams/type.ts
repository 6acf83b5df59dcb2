import { type CommandContext, type ConfigParam, type DataType, Errors } from '../../kernel';
import { formatId } from './id';
import { type NodeLimits, Stream } from './stream';
import { streamCodec } from './codec';

export const StreamType: DataType<Stream> = {
  name: 'stream',
  is: (v): v is Stream => v instanceof Stream,
  encoding: () => 'stream',
  clone: (v) => v.clone(),
  memory: (v) => {
    // The packed strings and offset arrays of each node, plus the groups' pending entries.
    let n = 80 + 200 * v.nodes.length + v.nodeBytes;
    if (v.groups === null) return n;
    for (const g of v.groups.values()) {
      n += 96 + g.name.length + g.pel.size * 80;
      for (const c of g.consumers.values()) n += 96 + c.name.length + c.pel.size * 24;
    }
    return n;
  },
  digest: (v, d) => {
    // Redis mixes each entry's ID (as "ms.seq") and its fields and values, in order.
    for (const node of v.nodes) {
      for (let i = 0; i < node.n; i++) {
        if (node.isDeleted(i)) continue;
        d.mix(formatId(node.idAt(i)).replace('-', '.'));
        for (const s of node.pairs(i)) d.mix(s);
      }
    }
  },
  codec: streamCodec,
};

/** The node size parameters, which decide where nodes close (and so what `~` trimming removes). */
export const STREAM_CONFIG: ConfigParam[] = [
  {
    name: 'stream-node-max-bytes',
    doc: 'Largest stream node in bytes, as Redis would pack it (0 = no limit).',
    type: 'memory',
    default: 4096,
    min: 0,
    max: 2 ** 63,
  },
  {
    name: 'stream-node-max-entries',
    doc: 'Most entries in one stream node, deleted ones included (0 = no limit).',
    type: 'int',
    default: 100,
    min: 0,
    max: 2147483647,
  },
];

export const limits: NodeLimits = { maxBytes: 4096, maxEntries: 100 };

/** A stream for a read (statistics, keymiss event); WRONGTYPE for another type. */
export function readStream(ctx: CommandContext, key: string): Stream | undefined {
  const v = ctx.db.get(key);
  if (v === undefined) {
    ctx.keyMiss(key);
    return undefined;
  }
  if (v instanceof Stream) return v;
  throw Errors.wrongType;
}

/** A stream for a write (no statistics); WRONGTYPE for another type. */
export function writeStream(ctx: CommandContext, key: string): Stream | undefined {
  const v = ctx.db.peek(key);
  if (v === undefined || v instanceof Stream) return v;
  throw Errors.wrongType;
}
