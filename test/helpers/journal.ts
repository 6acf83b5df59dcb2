import { Journal, JournalTarget, type JournalSubscription } from '../../kernel/journal';
import { RespParser } from '../../kernel/resp/parser';

/**
 * Watch what a server journals, as a replica would receive it: each write with the database
 * its stream had selected (SELECT itself is consumed, not reported).
 */
export function recordJournal(journal: Journal, fn: (db: number, argv: string[]) => void): JournalSubscription {
  const parser = new RespParser({ maxBulkLen: 512 * 1024 * 1024, maxQueryBuffer: 1024 * 1024 * 1024 }, () => false);
  let db = 0;
  return journal.attach(JournalTarget.Replicas, (chunk) => {
    parser.feed(Buffer.from(chunk, 'latin1'));
    for (let argv = parser.next(); argv !== null; argv = parser.next()) {
      if (argv[0] === 'SELECT') db = Number(argv[1]);
      else fn(db, argv);
    }
  });
}
