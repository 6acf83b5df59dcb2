import { LatencyHistogram } from '../../kernel/util/latency-histogram';

describe('LatencyHistogram (Redis\'s HdrHistogram, 1 ns .. 1 s, 2 significant figures)', () => {
  it('reports a percentile as the highest value of its slot, as hdr_value_at_percentile', () => {
    const h = new LatencyHistogram();
    h.record(7); // 7000 ns falls in the slot 6976..7007
    expect(h.valueAtPercentile(50)).toBe(7007);
    expect(h.valueAtPercentile(0)).toBe(6976);
    for (let i = 0; i < 99; i++) h.record(1);
    expect(h.total).toBe(100);
    // 1000 ns lies in the slot 1000..1003.
    expect(h.valueAtPercentile(50)).toBe(1003);
    expect(h.valueAtPercentile(99)).toBe(1003);
    expect(h.valueAtPercentile(99.9)).toBe(7007);
    expect(h.valueAtPercentile(100)).toBe(7007);
  });

  it('clamps to 1 ns and 1 s', () => {
    const h = new LatencyHistogram();
    h.record(0);
    h.record(5e9);
    expect(h.valueAtPercentile(1)).toBe(1);
    expect(h.valueAtPercentile(100)).toBeGreaterThanOrEqual(1e9);
  });

  it('gives LATENCY HISTOGRAM\'s cumulative buckets at powers of two from 1024 ns (keys as Redis prints them)', () => {
    const h = new LatencyHistogram();
    for (const usec of [1, 1, 3, 5, 40, 40, 9000]) h.record(usec);
    // Counts up to each level's slot are reported with that slot's highest value in µs (1024 ns: 1).
    expect(h.cumulative()).toEqual([
      [1, 2],
      [4, 3],
      [8, 4],
      [66, 6],
      [16908, 7],
    ]);
    expect(new LatencyHistogram().cumulative()).toEqual([]);
  });
});
