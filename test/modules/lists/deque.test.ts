import { Deque } from '../../../modules/lists/deque';

/** The deque against a plain array model, through growth, wrap-around and shrinking. */
describe('lists: Deque', () => {
  function check(d: Deque, model: string[]): void {
    expect(d.length).toBe(model.length);
    expect(d.toArray()).toEqual(model);
    for (let i = 0; i < model.length; i++) expect(d.get(i)).toBe(model[i]);
  }

  it('pushes and pops at both ends across growth and wrap-around', () => {
    const d = new Deque();
    const model: string[] = [];
    for (let i = 0; i < 100; i++) {
      if (i % 3 === 0) {
        d.pushFront(`f${i}`);
        model.unshift(`f${i}`);
      } else {
        d.pushBack(`b${i}`);
        model.push(`b${i}`);
      }
    }
    check(d, model);
    for (let i = 0; i < 40; i++) {
      expect(d.popFront()).toBe(model.shift());
      expect(d.popBack()).toBe(model.pop());
    }
    check(d, model);
    while (model.length > 0) expect(d.popFront()).toBe(model.shift());
    check(d, model);
    d.pushBack('again');
    check(d, ['again']);
  });

  it('sets, ranges and inserts at any position, moving the shorter side', () => {
    const model = Array.from({ length: 20 }, (_, i) => String(i));
    const d = Deque.from(model);
    d.popFront();
    d.pushBack('x');
    model.shift();
    model.push('x');
    for (const at of [0, 3, 10, 17, model.length]) {
      d.insert(at, `ins${at}`);
      model.splice(at, 0, `ins${at}`);
      check(d, model);
    }
    d.set(0, 'first');
    d.set(model.length - 1, 'last');
    model[0] = 'first';
    model[model.length - 1] = 'last';
    check(d, model);
    expect(d.range(2, 5)).toEqual(model.slice(2, 6));
  });

  it('removes matches from the head, the tail, or all, and trims both ends', () => {
    const base = ['a', 'b', 'a', 'c', 'a', 'b', 'a'];
    const fromHead = Deque.from(base);
    expect(fromHead.remove('a', 2)).toBe(2);
    check(fromHead, ['b', 'c', 'a', 'b', 'a']);
    const fromTail = Deque.from(base);
    fromTail.pushFront('z');
    expect(fromTail.remove('a', -3)).toBe(3);
    check(fromTail, ['z', 'a', 'b', 'c', 'b']);
    const all = Deque.from(base);
    expect(all.remove('a', 0)).toBe(4);
    check(all, ['b', 'c', 'b']);
    const t = Deque.from(Array.from({ length: 1000 }, (_, i) => String(i)));
    t.trim(10, 985);
    check(t, ['10', '11', '12', '13', '14']);
    t.trim(5, 0);
    check(t, []);
  });

  it('clones deeply', () => {
    const d = Deque.from(['a', 'b']);
    const c = d.clone();
    c.pushBack('c');
    c.set(0, 'A');
    check(d, ['a', 'b']);
    check(c, ['A', 'b', 'c']);
  });
});
