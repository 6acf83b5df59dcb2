import type { Reply } from '../../kernel';

/** Redis's LATENCY_TS_LEN: samples kept per event, at most one a second. */
const TS_LEN = 160;

interface Sample {
  time: number;
  latency: number;
}

class TimeSeries {
  readonly samples: Sample[] = [];
  idx = 0;
  max = 0;
}

/** The latency monitor's events (latency.c): per-second worst latencies in milliseconds. */
export class LatencyMonitor {
  private readonly events = new Map<string, TimeSeries>();

  add(event: string, latency: number): void {
    let ts = this.events.get(event);
    if (ts === undefined) this.events.set(event, (ts = new TimeSeries()));
    const now = Math.floor(Date.now() / 1000);
    if (latency > ts.max) ts.max = latency;
    const prev = ts.samples[(ts.idx + TS_LEN - 1) % TS_LEN];
    if (prev !== undefined && prev.time === now) {
      if (latency > prev.latency) prev.latency = latency;
      return;
    }
    ts.samples[ts.idx] = { time: now, latency };
    ts.idx = (ts.idx + 1) % TS_LEN;
  }

  get size(): number {
    return this.events.size;
  }

  /** Samples oldest first. */
  history(event: string): Sample[] {
    const ts = this.events.get(event);
    if (ts === undefined) return [];
    const out: Sample[] = [];
    for (let j = 0; j < TS_LEN; j++) {
      const s = ts.samples[(ts.idx + j) % TS_LEN];
      if (s !== undefined) out.push(s);
    }
    return out;
  }

  latest(): Reply[] {
    const out: Reply[] = [];
    for (const [name, ts] of this.events) {
      const last = ts.samples[(ts.idx + TS_LEN - 1) % TS_LEN];
      out.push([name, last.time, last.latency, ts.max]);
    }
    return out;
  }

  /** Drop the named events (all when none is named); returns how many existed. */
  reset(names: string[]): number {
    if (names.length === 0) {
      const n = this.events.size;
      this.events.clear();
      return n;
    }
    let n = 0;
    for (const name of names) if (this.events.delete(name)) n++;
    return n;
  }

  /** LATENCY DOCTOR's per-event lines, as latencyCommandGenReport. */
  report(): string {
    let i = 0;
    let out = '';
    for (const [name, ts] of this.events) {
      const samples = this.history(name);
      const avg = samples.reduce((a, s) => a + s.latency, 0) / samples.length;
      const mad = samples.reduce((a, s) => a + Math.abs(s.latency - avg), 0) / samples.length;
      const period = samples.length > 1 ? (samples[samples.length - 1].time - samples[0].time) / samples.length : 0;
      out +=
        `${++i}. ${name}: ${samples.length} latency spikes (average ${Math.round(avg)}ms, mean deviation ` +
        `${Math.round(mad)}ms, period ${period.toFixed(2)} sec). Worst all time event ${ts.max}ms.\n`;
    }
    return out;
  }

  /** LATENCY GRAPH: a header and one column per sample, its height scaled to the worst. */
  graph(event: string): string | null {
    const ts = this.events.get(event);
    if (ts === undefined) return null;
    const samples = this.history(event);
    const lat = samples.map((s) => s.latency);
    const high = Math.max(...lat);
    const low = Math.min(...lat);
    let out = `${event} - high ${high} ms, low ${low} ms (all time high ${ts.max} ms)\n${'-'.repeat(80)}\n`;
    const rows = 4;
    for (let r = rows; r >= 1; r--) {
      out += lat.map((l) => (high === 0 ? ' ' : (l * rows) / high >= r ? '#' : r === 1 ? '_' : ' ')).join('') + '\n';
    }
    const now = Math.floor(Date.now() / 1000);
    out += samples.map((s) => ago(now - s.time)).join(' ') + '\n';
    return out;
  }
}

function ago(secs: number): string {
  if (secs < 60) return `${secs}s`;
  if (secs < 3600) return `${Math.floor(secs / 60)}m`;
  return `${Math.floor(secs / 3600)}h`;
}
