import { PACKED_OVERHEAD } from '../../../kernel';
import { Deque } from '../../../modules/lists/deque';
import { ListType } from '../../../modules/lists/type';

/** The deque against a plain array model, through growth, wrap-around and shrinking. */
describe('lists: Deque', () => {
  function check(d: Deque, model: string[]): void {
    expect(d.length).toBe(model.length);
    expect(d.toArray()).toEqual(model);
    for (let i = 0; i < model.length; i++) expect(d.get(i)).toBe(model[i]);
    expect(d.bytes).toBe(model.reduce((n, s) => n + s.length, 0));
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

  it('agrees with an array model packed and as a ring, across both conversions, with long and binary elements', () => {
    let seed = 3;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    const d = new Deque();
    let model: string[] = [];
    const packedSeen = new Set<boolean>();
    for (let step = 0; step < 6000; step++) {
      // Grow for a while, then drain, so the list crosses 128 elements both ways.
      const growing = step % 1500 < 900;
      const v = rnd(40) === 0 ? 'L'.repeat(65 + rnd(10)) : rnd(2) === 0 ? `\x00${rnd(9)}\xff` : String(rnd(20));
      const op = rnd(12);
      if (op < (growing ? 6 : 2)) {
        if (rnd(2) === 0) {
          d.pushBack(v);
          model.push(v);
        } else {
          d.pushFront(v);
          model.unshift(v);
        }
      } else if (op < 9 && model.length > 0) {
        if (rnd(2) === 0) expect(d.popFront()).toBe(model.shift());
        else expect(d.popBack()).toBe(model.pop());
      } else if (op === 9 && model.length > 0) {
        const i = rnd(model.length);
        d.set(i, v);
        model[i] = v;
      } else if (op === 10) {
        const i = rnd(model.length + 1);
        d.insert(i, v);
        model.splice(i, 0, v);
      } else if (model.length > 0) {
        const count = rnd(5) - 2;
        const target = model[rnd(model.length)];
        let left = count === 0 ? model.length : Math.abs(count);
        const order = count >= 0 ? model.map((_, i) => i) : model.map((_, i) => model.length - 1 - i);
        const drop = new Set<number>();
        for (const i of order) if (left > 0 && model[i] === target) drop.add(i), left--;
        expect(d.remove(target, count)).toBe(drop.size);
        model = model.filter((_, i) => !drop.has(i));
      }
      packedSeen.add(d.packed);
      expect(d.length).toBe(model.length);
      if (step % 97 === 0) check(d, model);
    }
    check(d, model);
    expect([...packedSeen].sort()).toEqual([false, true]);
  });

  it('packs small lists, goes to a ring past 128 elements or a 65-byte one, and packs again when drained', () => {
    const d = Deque.from(['a', 'b']);
    expect(d.packed).toBe(true);
    for (let i = 0; i < 127; i++) d.pushBack(String(i));
    expect(d.packed).toBe(false);
    while (d.length > 20) d.popFront();
    expect(d.packed).toBe(true);
    check(d, Array.from({ length: 20 }, (_, i) => String(i + 107)));
    d.set(0, 'x'.repeat(65));
    expect(d.packed).toBe(false);
    expect(Deque.from(['y'.repeat(65)]).packed).toBe(false);
    const t = Deque.from(['1', '2', '3', '4', '5']);
    t.trim(1, 2);
    check(t, ['2', '3']);
    const c = t.clone();
    c.pushFront('0');
    check(t, ['2', '3']);
    check(c, ['0', '2', '3']);
  });

  it("keeps a ring's element bytes through every kind of write, as used_memory reads them", () => {
    // The count replaced a walk of every element at each remeasure: it must equal that walk.
    let seed = 11;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    const value = () => 'v'.repeat(rnd(3) === 0 ? 70 + rnd(30) : rnd(12)) + (rnd(2) === 0 ? '\xff\0' : '');
    const model = Array.from({ length: 300 }, value);
    const d = Deque.from(model);
    expect(d.packed).toBe(false);
    for (let step = 0; step < 3000; step++) {
      const op = rnd(9);
      const v = value();
      if (op === 0) (d.pushBack(v), model.push(v));
      else if (op === 1) (d.pushFront(v), model.unshift(v));
      else if (op === 2 && model.length > 0) expect(d.popFront()).toBe(model.shift());
      else if (op === 3 && model.length > 0) expect(d.popBack()).toBe(model.pop());
      else if (op === 4 && model.length > 0) {
        const i = rnd(model.length);
        d.set(i, v);
        model[i] = v;
      } else if (op === 5) {
        const i = rnd(model.length + 1);
        d.insert(i, v);
        model.splice(i, 0, v);
      } else if (op === 6 && model.length > 0) {
        const target = model[rnd(model.length)];
        const count = rnd(5) - 2;
        const removed = d.remove(target, count);
        let left = count === 0 ? model.length : Math.abs(count);
        const order = count >= 0 ? model.map((_, k) => k) : model.map((_, k) => model.length - 1 - k);
        const drop = new Set<number>();
        for (const k of order) if (left > 0 && model[k] === target) (drop.add(k), left--);
        expect(removed).toBe(drop.size);
        const kept = model.filter((_, k) => !drop.has(k));
        model.splice(0, model.length, ...kept);
      } else if (op === 7 && model.length > 4 && rnd(8) === 0) {
        d.trim(1, 2);
        model.splice(0, 1);
        model.splice(model.length - 2, 2);
      } else if (op === 8 && model.length < 150) {
        for (let k = 0; k < 200; k++) {
          const w = value();
          d.pushBack(w);
          model.push(w);
        }
      }
      if (step % 100 === 0) check(d, model);
      expect(d.bytes).toBe(model.reduce((n, s) => n + s.length, 0));
    }
    check(d, model);
    const expected = (d.packed ? PACKED_OVERHEAD + model.length : 48 + model.length * 16) + model.reduce((n, s) => n + s.length, 0);
    expect(ListType.memory!(d)).toBe(expected);
    expect(ListType.memory!(d.clone())).toBe(expected);
  });
});
