import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { heapFlags, heapSized, maxmemoryOf, serverEnv } from '../../kernel/heap-size';

const GB = 1024 * 1024 * 1024;

describe('the launcher heap sizing (kernel/heap-size.ts)', () => {
  it('sizes the old generation from maxmemory, bounded by the machine', () => {
    expect(heapFlags(64 * 1024 * 1024, 24 * GB)).toEqual(['--max-old-space-size=160', '--max-semi-space-size=4', '--no-minor-gc-task']);
    expect(heapFlags(4 * GB, 24 * GB)).toEqual(['--max-old-space-size=10240', '--max-semi-space-size=4', '--no-minor-gc-task']);
    // A small maxmemory still leaves room for what the server itself holds.
    expect(heapFlags(1024 * 1024, 24 * GB)).toEqual(['--max-old-space-size=96', '--max-semi-space-size=1', '--no-minor-gc-task']);
    // A maxmemory above the machine is capped at three quarters of it.
    expect(heapFlags(64 * GB, 8 * GB)).toEqual(['--max-old-space-size=6144', '--max-semi-space-size=4', '--no-minor-gc-task']);
    // Without maxmemory the young generation is still kept small (resident memory a small dataset pays).
    expect(heapFlags(0, 24 * GB)).toEqual(['--max-old-space-size=18432', '--max-semi-space-size=4', '--no-minor-gc-task']);
  });

  it("fixes glibc's mmap threshold for the server, unless the environment sets it", () => {
    expect(serverEnv({ PATH: '/bin' })).toEqual({ PATH: '/bin', MALLOC_MMAP_THRESHOLD_: '131072' });
    expect(serverEnv({ MALLOC_MMAP_THRESHOLD_: '65536' })).toEqual({ MALLOC_MMAP_THRESHOLD_: '65536' });
  });

  it('reads maxmemory from the config file and the flags, the last one winning', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferrous-heap-'));
    try {
      const conf = path.join(dir, 'redis.conf');
      fs.writeFileSync(conf, 'port 0\n# maxmemory 1gb\nmaxmemory 100mb\n  MAXMEMORY "200mb"\n');
      expect(maxmemoryOf([conf])).toBe(200 * 1024 * 1024);
      expect(maxmemoryOf([conf, '--maxmemory', '1gb'])).toBe(GB);
      expect(maxmemoryOf(['--port', '1', '--maxmemory', '64mb', '--maxmemory', '2kb'])).toBe(2048);
      expect(maxmemoryOf([])).toBe(0);
      // Bad values and unreadable files are the server's to report: the heap is sized as without.
      expect(maxmemoryOf(['--maxmemory', 'lots'])).toBe(0);
      expect(maxmemoryOf([path.join(dir, 'missing.conf')])).toBe(0);
      expect(maxmemoryOf(['--maxmemory'])).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves a heap limit given to node alone', () => {
    expect(heapSized(['--max-old-space-size=512'], undefined)).toBe(true);
    expect(heapSized([], '--inspect --max-old-space-size=512')).toBe(true);
    expect(heapSized(['--inspect'], '')).toBe(false);
  });
});
