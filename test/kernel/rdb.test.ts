import { RdbInput } from '../../kernel/rdb/input';
import { moduleTypeId, moduleTypeName, moduleTypeProblem, ModuleTypeInput, ModuleTypeOutput } from '../../kernel/rdb/module-type';
import { RdbOutput } from '../../kernel/rdb/output';

describe('module type ids (moduleTypeEncodeId)', () => {
  test('six bits per name character, then ten bits of encoding version', () => {
    expect(moduleTypeId('AAAAAAAAA', 5)).toEqual([0, 5]);
    expect(moduleTypeId('_________', 1023)).toEqual([0xffffffff, 0xffffffff]);
    // 'B' is 1: the last character sits just above the version, the first at the top.
    expect(moduleTypeId('AAAAAAAAB', 0)).toEqual([0, 1 << 10]);
    expect(moduleTypeId('BAAAAAAAA', 0)).toEqual([1 << 26, 0]);
  });

  test('names and versions round-trip', () => {
    for (const [name, ver] of [['hello-cnt', 1], ['ReJSON-RL', 3], ['MyType_0-', 1023], ['zzzzzzzzz', 0]] as const) {
      const [hi, lo] = moduleTypeId(name, ver);
      expect(moduleTypeName(hi, lo)).toEqual([name, ver]);
    }
  });

  test('invalid names and versions are refused', () => {
    expect(moduleTypeProblem('hello-cnt', 1)).toBeUndefined();
    expect(moduleTypeProblem('short', 1)).toMatch(/9 characters/);
    expect(moduleTypeProblem('hello.cnt', 1)).toMatch(/9 characters/);
    expect(moduleTypeProblem('hello-cnt', 1024)).toMatch(/0\.\.1023/);
  });
});

describe('RDB primitives without BigInt', () => {
  test('64-bit lengths, expiry times and module values round-trip', () => {
    const out = new RdbOutput(false);
    out.length(2 ** 40 + 3);
    out.millis(1_700_000_000_123);
    out.millis(-5);
    const io = new ModuleTypeOutput(out);
    io.saveUnsigned(2 ** 53 - 1);
    io.saveSigned(-(2 ** 40) - 1);
    io.saveSigned(7);
    io.saveString('bin\x00\xff');
    io.saveDouble(-0.5);
    io.end();
    const input = new RdbInput(out.take());
    expect(input.length()).toBe(2 ** 40 + 3);
    expect(input.millis()).toBe(1_700_000_000_123);
    expect(input.millis()).toBe(-5);
    const inp = new ModuleTypeInput(input, 'test-type');
    expect(inp.loadUnsigned()).toBe(2 ** 53 - 1);
    expect(inp.loadSigned()).toBe(-(2 ** 40) - 1);
    expect(inp.loadSigned()).toBe(7);
    expect(inp.loadString()).toBe('bin\x00\xff');
    expect(inp.loadDouble()).toBe(-0.5);
    inp.end();
  });

  test('a module value read with the wrong call, or not to its end, is an error', () => {
    const out = new RdbOutput(false);
    const io = new ModuleTypeOutput(out);
    io.saveString('x');
    io.saveUnsigned(1);
    io.end();
    const buf = out.take();
    expect(() => new ModuleTypeInput(new RdbInput(buf), 'test-type').loadUnsigned()).toThrow(/expected value opcode 2, found 5/);
    const partial = new ModuleTypeInput(new RdbInput(buf), 'test-type');
    partial.loadString();
    expect(() => partial.end()).toThrow(/not terminated by the proper module value EOF marker/);
  });
});
