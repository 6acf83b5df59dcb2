import { encodeCommand, Journal, JournalTarget } from '../../kernel/journal';

const cmd = (...argv: string[]) => encodeCommand(argv);
const select = (db: number) => cmd('SELECT', String(db));

function journal() {
  const j = new Journal();
  const aof: string[] = [];
  const repl: string[] = [];
  const a = j.attach(JournalTarget.Aof, (c) => aof.push(c));
  const r = j.attach(JournalTarget.Replicas, (c) => repl.push(c));
  return { j, aof, repl, a, r };
}

describe('the write journal', () => {
  test('nothing is encoded while nobody listens', () => {
    const j = new Journal();
    expect(j.active).toBe(false);
    j.append(0, ['SET', 'k', 'v']);
    expect(j.offset).toBe(0);
  });

  test('each target gets SELECT when its stream changes database', () => {
    const { j, aof, repl } = journal();
    j.append(0, ['SET', 'a', '1']);
    j.append(0, ['SET', 'b', '2']);
    j.append(3, ['DEL', 'c']);
    expect(aof.join('')).toBe(select(0) + cmd('SET', 'a', '1') + cmd('SET', 'b', '2') + select(3) + cmd('DEL', 'c'));
    expect(repl.join('')).toBe(aof.join(''));
  });

  test('targets: a write for the AOF only leaves the replicas and their database alone', () => {
    const { j, aof, repl } = journal();
    j.append(1, ['SET', 'x', '1'], JournalTarget.Aof);
    j.append(1, ['SET', 'y', '2'], JournalTarget.Replicas);
    j.append(1, ['SET', 'z', '3'], JournalTarget.None);
    expect(aof.join('')).toBe(select(1) + cmd('SET', 'x', '1'));
    expect(repl.join('')).toBe(select(1) + cmd('SET', 'y', '2'));
  });

  test('the replication offset counts the replicas stream only', () => {
    const { j, repl } = journal();
    j.append(0, ['SET', 'k', 'v'], JournalTarget.Aof);
    expect(j.offset).toBe(0);
    j.append(0, ['SET', 'k', 'v\x00\xff']);
    j.appendRaw(JournalTarget.Replicas, cmd('PING'));
    expect(j.offset).toBe(repl.join('').length);
    expect(j.offset).toBe(select(0).length + cmd('SET', 'k', 'v\x00\xff').length + cmd('PING').length);
  });

  test('a unit of several writes is delivered in MULTI/EXEC; one write alone; units nest', () => {
    const { j, aof, repl } = journal();
    j.begin();
    j.append(0, ['SET', 'a', '1']);
    j.begin();
    j.append(2, ['INCR', 'n'], JournalTarget.Aof);
    j.end();
    expect(aof).toEqual([]);
    j.end();
    // As Redis 7.0.15 writes it: SELECT before MULTI (the first write's database), EXEC without one.
    expect(aof.join('')).toBe(select(0) + cmd('MULTI') + cmd('SET', 'a', '1') + select(2) + cmd('INCR', 'n') + cmd('EXEC'));
    // MULTI and EXEC go to every target; the replicas skip the AOF-only write.
    expect(repl.join('')).toBe(select(0) + cmd('MULTI') + cmd('SET', 'a', '1') + cmd('EXEC'));
    aof.length = 0;
    j.begin();
    j.append(2, ['DEL', 'x']);
    j.end();
    expect(aof.join('')).toBe(cmd('DEL', 'x'));
    j.begin();
    j.end();
    expect(aof.join('')).toBe(cmd('DEL', 'x'));
  });

  test('a write for a target nobody listens to is dropped and does not make a unit a transaction', () => {
    const j = new Journal();
    const aof: string[] = [];
    j.attach(JournalTarget.Aof, (c) => aof.push(c));
    j.begin();
    j.append(0, ['SET', 'a', '1'], JournalTarget.Aof);
    j.append(0, ['SET', 'b', '2'], JournalTarget.Replicas);
    j.end();
    expect(aof.join('')).toBe(select(0) + cmd('SET', 'a', '1'));
    expect(j.offset).toBe(0);
  });

  test('subscribers attach and detach at any time; a new one starts with SELECT', () => {
    const { j, aof, a, r } = journal();
    j.append(0, ['SET', 'a', '1']);
    const late: string[] = [];
    const l = j.attach(JournalTarget.Replicas, (c) => late.push(c));
    j.append(0, ['SET', 'b', '2']);
    expect(late.join('')).toBe(select(0) + cmd('SET', 'b', '2'));
    a.reselect();
    j.append(0, ['SET', 'c', '3']);
    expect(aof.slice(-1)[0]).toBe(select(0) + cmd('SET', 'c', '3'));
    a.detach();
    r.detach();
    l.detach();
    expect(j.active).toBe(false);
    j.append(0, ['SET', 'd', '4']);
    expect(aof.length).toBe(3);
  });
});
