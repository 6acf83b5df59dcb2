/**
 * The scripting module runs only on Ferrous's patched fengari (built into dist/vendor/fengari):
 * the plain package, or no VM at all, is refused with a message saying what to do.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fengari, loadVm, VM_DIR } from '../../../modules/scripting/vm';

describe('the Lua VM', () => {
  it('is the patched build, stamped with the patch it was built from', () => {
    expect(VM_DIR.endsWith(path.join('dist', 'vendor', 'fengari'))).toBe(true);
    expect(fengari.FERROUS_PATCH).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses the unpatched fengari package', () => {
    const plain = path.dirname(require.resolve('fengari/package.json'));
    expect(() => loadVm(plain)).toThrow(/is not Ferrous's patched fengari \(no patch stamp\).*without Redis's sandbox/);
  });

  it("refuses a stamped VM without the patch's effects", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferrous-vm-'));
    try {
      const plain = require.resolve('fengari');
      fs.writeFileSync(path.join(dir, 'index.js'), `module.exports = { ...require(${JSON.stringify(plain)}), FERROUS_PATCH: 'x' };\n`);
      expect(() => loadVm(dir)).toThrow(/\(5\.3's syntax is accepted\)/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses to run without a VM, naming the build step', () => {
    expect(() => loadVm(path.join(os.tmpdir(), 'no-such-ferrous-vm'))).toThrow(/the patched Lua VM is missing at .*npm run build/);
  });
});
