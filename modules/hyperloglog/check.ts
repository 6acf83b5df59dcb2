import { Errors, ReplyError } from '../../kernel';
import { isHll } from './hll';

export const notHll = new ReplyError('WRONGTYPE Key is not a valid HyperLogLog string value.');
export const corrupted = new ReplyError('INVALIDOBJ Corrupted HLL object detected');

/** isHLLObjectOrReply: HLLs are plain strings with a valid HLL header. */
export function asHll(v: unknown): string {
  if (typeof v !== 'string') throw Errors.wrongType;
  if (!isHll(v)) throw notHll;
  return v;
}
