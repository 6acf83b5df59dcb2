import { parseMemory } from './params';

/** One client class's output buffer limits (Redis's clientBufferLimitsConfig); 0 is no limit. */
export interface OutputLimit {
  hard: number;
  soft: number;
  softSeconds: number;
}

/** Limits by client class, in Redis's CLIENT_TYPE order: normal, replica, pubsub. */
export type OutputLimits = readonly [OutputLimit, OutputLimit, OutputLimit];

export const enum OutputClass {
  Normal = 0,
  Replica = 1,
  PubSub = 2,
}

export const DEFAULT_OUTPUT_LIMITS = 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60';

const CLASS_NAMES = ['normal', 'slave', 'pubsub'];

/** getClientTypeByName without `master`, which has no limits of its own. */
function classByName(name: string): number {
  switch (name.toLowerCase()) {
    case 'normal':
      return OutputClass.Normal;
    case 'slave':
    case 'replica':
      return OutputClass.Replica;
    case 'pubsub':
      return OutputClass.PubSub;
    default:
      return -1;
  }
}

/** A canonical value (CONFIG GET's form: every class, plain numbers) as limits by class. */
function limitsOf(canonical: string): OutputLimit[] {
  const a = canonical.split(' ');
  const out: OutputLimit[] = [];
  for (let j = 0; j < a.length; j += 4) {
    out[classByName(a[j])] = { hard: Number(a[j + 1]), soft: Number(a[j + 2]), softSeconds: Number(a[j + 3]) };
  }
  return out;
}

/** The parameter's value as limits by class; classes it leaves out keep Redis's defaults. */
export function outputLimits(value: string): OutputLimits {
  const v = parseOutputLimits(value, DEFAULT_OUTPUT_LIMITS);
  return limitsOf(typeof v === 'string' ? v : DEFAULT_OUTPUT_LIMITS) as unknown as OutputLimits;
}

/**
 * `client-output-buffer-limit <class> <hard> <soft> <soft seconds> ...`: the classes named
 * replace their limits in `current`, all or none, as Redis's setConfigClientOutputBufferLimitOption.
 */
export function parseOutputLimits(raw: string, current: string): string | { error: string } {
  const args = raw.split(/\s+/).filter((s) => s !== '');
  if (args.length % 4 !== 0) return { error: 'Wrong number of arguments in buffer limit configuration.' };
  // `current` may come from config/default.json, which is not parsed on the way in.
  const limits = current === DEFAULT_OUTPUT_LIMITS ? limitsOf(current) : [...outputLimits(current)];
  for (let j = 0; j < args.length; j += 4) {
    const cls = classByName(args[j]);
    if (cls < 0) return { error: 'Invalid client class specified in buffer limit configuration.' };
    const hard = parseMemory(args[j + 1]);
    const soft = parseMemory(args[j + 2]);
    if (Number.isNaN(hard) || Number.isNaN(soft) || !/^[+-]?\d+$/.test(args[j + 3]) || Number(args[j + 3]) < 0) {
      return { error: 'Error in hard, soft or soft_seconds setting in buffer limit configuration.' };
    }
    limits[cls] = { hard, soft, softSeconds: Number(args[j + 3]) };
  }
  return limits.map((l, i) => `${CLASS_NAMES[i]} ${l.hard} ${l.soft} ${l.softSeconds}`).join(' ');
}
