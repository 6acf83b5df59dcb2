/**
 * The wall clock read once per macrotask: a socket read and the commands it carries (a pipeline
 * of XADDs, a worker's XREADGROUP) share one Date.now(), a runtime call that was a few percent
 * of a pipelined XADD. The reading is forgotten when the task's microtasks run, so it is never
 * older than the data being served: an ID is never earlier than a client could have sent the
 * command. Scripts read the clock afresh (a long script would otherwise stamp everything with
 * its start).
 */
let cached = -1;

function forget(): void {
  cached = -1;
}

export function taskNow(): number {
  if (cached < 0) {
    cached = Date.now();
    queueMicrotask(forget);
  }
  return cached;
}
