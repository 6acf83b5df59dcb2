import { type FunctionStore, type Keyspace, type RdbLoad, RdbInput } from '../../kernel';
import { type Applied, loadRdbSteps } from './apply';
import { Step } from './rdb';

/**
 * How long one slice of a replica's load may hold the event loop (ms). Longer slices load a
 * little faster (fewer turns) but delay what waits meanwhile: the master's stream, INFO, PING.
 */
const SLICE_MS = 4;
/** The size hints of an image of unknown length are believed up to this many bytes' worth. */
const UNKNOWN_SIZE_BOUND = 64 * 1024 * 1024;

/**
 * A master's RDB image loaded into the keyspace as its bytes arrive (a diskless load), in
 * slices between which the server serves: the keys already received are read while the rest
 * is still being produced and sent, so a full sync costs about the longer of the two sides
 * rather than their sum. A record cut by the end of what arrived is read again once its bytes
 * are in (readRdb over a growing RdbInput).
 */
export class ImageLoad implements RdbLoad {
  readonly done: Promise<Applied>;
  private readonly input: RdbInput;
  private readonly verifyChecksum: boolean;
  private readonly steps: Generator<Step, Applied, undefined>;
  private scheduled = false;
  private settled = false;
  private resolve!: (a: Applied) => void;
  private reject!: (e: Error) => void;

  constructor(
    private readonly keyspace: Keyspace,
    store: FunctionStore | undefined,
    size: number,
    verifyChecksum: boolean,
  ) {
    this.verifyChecksum = verifyChecksum;
    this.input = RdbInput.growing(size > 0 ? size : 1 << 20);
    this.steps = loadRdbSteps(keyspace, store, this.input, verifyChecksum, true, size > 0 ? size : UNKNOWN_SIZE_BOUND);
    this.done = new Promise<Applied>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  feed(chunk: Uint8Array): void {
    if (this.settled || chunk.length === 0) return;
    this.input.append(chunk);
    this.kick();
  }

  end(): void {
    if (this.settled) return;
    this.input.close();
    this.kick();
  }

  abort(): void {
    if (this.settled) return;
    this.settled = true;
    this.steps.return(undefined as unknown as Applied);
    this.keyspace.flush(-1);
    this.reject(new Error('the load was aborted'));
  }

  /** Schedule a slice if the bytes the reader waits for are in (or none will come). */
  private kick(): void {
    if (this.scheduled || this.settled) return;
    const input = this.input;
    if (input.open && input.end < input.resumeAt) return;
    this.scheduled = true;
    setImmediate(this.slice);
  }

  private readonly slice = (): void => {
    this.scheduled = false;
    if (this.settled) return;
    const sliceStart = performance.now();
    try {
      let r = this.steps.next();
      while (r.done !== true && r.value === Step.Pause && performance.now() - sliceStart < SLICE_MS) r = this.steps.next();
      // The bytes read so far are summed now, while the rest of the image is still on its way.
      if (this.verifyChecksum && r.done !== true) this.input.sumTo(this.input.pos);
      if (r.done === true) {
        this.settled = true;
        this.resolve(r.value);
        return;
      }
      if (r.value === Step.Pause) {
        this.scheduled = true;
        setImmediate(this.slice);
        return;
      }
      // NeedMore: the next feed (or end) resumes.
      this.kick();
    } catch (e) {
      // loadRdbSteps emptied the keyspace.
      this.settled = true;
      this.reject(e as Error);
    }
  };
}
