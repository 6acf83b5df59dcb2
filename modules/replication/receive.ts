import * as fs from 'fs';
import type { Logger, RdbLoad, RdbSnapshots } from '../../kernel';

/** What a replica does with its master's image as it arrives (decided by repl-diskless-load). */
export interface ReceivePlan {
  /** Load the bytes as they arrive (the dataset was emptied for it), else once all are in. */
  stream: boolean;
  /** Also write them to this file (the data file, through a temporary one), as Redis's disk load does. */
  file: string | null;
}

/**
 * A full sync's image on the replica: loaded as it arrives (an empty dataset has nothing to
 * serve stale or to keep should the transfer fail), or gathered and loaded once complete, so
 * the old data are served until then; and written to the data file when the plan says so.
 */
export class ImageReceiver {
  private load: RdbLoad | null;
  private gathered: Buffer[] | null;
  private fd: number | null = null;
  private readonly temp: string | null;

  constructor(
    private readonly snapshots: RdbSnapshots,
    private readonly plan: ReceivePlan,
    size: number,
    private readonly logger: Logger,
  ) {
    this.load = plan.stream ? snapshots.loadStream(size) : null;
    this.gathered = plan.stream ? null : [];
    this.temp = plan.file === null ? null : `${plan.file.slice(0, plan.file.lastIndexOf('/') + 1)}temp-${process.pid}-sync.rdb`;
    if (this.temp !== null) {
      try {
        this.fd = fs.openSync(this.temp, 'w');
      } catch (e) {
        this.logger.warning(`Opening the temp file needed for MASTER <-> REPLICA synchronization: ${(e as Error).message}`);
      }
    }
  }

  /** Bytes of the image (a view the caller's reader may reuse). */
  readonly data = (bytes: Buffer): void => {
    this.load?.feed(bytes);
    this.gathered?.push(Buffer.from(bytes));
    if (this.fd !== null) {
      try {
        fs.writeSync(this.fd, bytes);
      } catch (e) {
        this.logger.warning(`Write error saving the DB received from the MASTER: ${(e as Error).message}`);
        this.closeFile(false);
      }
    }
  };

  /** Every byte arrived: the load (already under way when streaming) completes. */
  finish(): Promise<{ keys: number; aux: Map<string, string> }> {
    this.closeFile(true);
    if (this.load !== null) {
      this.load.end();
      return this.load.done;
    }
    const image = Buffer.concat(this.gathered!);
    this.gathered = null;
    this.load = this.snapshots.loadStream(image.length);
    this.load.feed(image);
    this.load.end();
    return this.load.done;
  }

  /** The transfer failed or was dropped: undo what was loaded, leave no temporary file. */
  abort(): void {
    this.load?.abort();
    this.gathered = null;
    this.closeFile(false);
  }

  /**
   * Close the temporary file; when complete, sync it and rename it over the data file in the
   * background (the load does not wait for the disk), as Redis renames its received image.
   */
  private closeFile(complete: boolean): void {
    const fd = this.fd;
    const temp = this.temp!;
    if (fd === null) return;
    this.fd = null;
    if (!complete) {
      fs.close(fd, () => fs.rm(temp, { force: true }, () => undefined));
      return;
    }
    const file = this.plan.file!;
    fs.fsync(fd, (syncErr) => {
      fs.close(fd, () => {
        if (syncErr !== null) {
          this.logger.warning(`Failed trying to sync the temp DB to disk in MASTER <-> REPLICA synchronization: ${syncErr.message}`);
          fs.rm(temp, { force: true }, () => undefined);
          return;
        }
        fs.rename(temp, file, (e) => {
          if (e !== null) this.logger.warning(`Failed trying to rename the temp DB into ${file} in MASTER <-> REPLICA synchronization: ${e.message}`);
        });
      });
    });
  }
}
