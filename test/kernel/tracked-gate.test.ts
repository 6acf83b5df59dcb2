import type { RegisteredCommand } from '../../kernel/commands/registry';
import { ReplyError } from '../../kernel/reply';
import { ClosedGates, TrackedGate } from '../../kernel/services';

class TestGate extends TrackedGate {
  readonly order = 10;
  refuse(_cmd: RegisteredCommand): ReplyError | null {
    return new ReplyError('ERR closed');
  }
}

describe('TrackedGate: the count of closed write gates the dispatcher reads', () => {
  test('a gate closed before it is bound counts from the binding on; opening and closing move the count once', () => {
    const count = new ClosedGates();
    const a = new TestGate();
    const b = new TestGate();
    a.closed = true;
    a.countIn(count);
    b.countIn(count);
    expect(count.count).toBe(1);
    a.closed = true;
    expect(count.count).toBe(1);
    b.closed = true;
    expect(count.count).toBe(2);
    a.closed = false;
    a.closed = false;
    expect(count.count).toBe(1);
    expect([a.closed, b.closed]).toEqual([false, true]);
  });

  test('a gate bound to another count leaves the first one', () => {
    const first = new ClosedGates();
    const second = new ClosedGates();
    const g = new TestGate();
    g.countIn(first);
    g.closed = true;
    g.countIn(second);
    expect([first.count, second.count]).toEqual([0, 1]);
    g.closed = false;
    expect([first.count, second.count]).toEqual([0, 0]);
  });
});
