'use strict';
/**
 * Preloaded into Ferrous by bench/memory.js (node --expose-gc -r bench/gc-signal.js): SIGUSR2 runs
 * a full garbage collection, so that a measurement counts live data, not garbage awaiting GC.
 * Twice: the ArrayBuffers the first collection found dead (a keyspace table's replaced typed
 * arrays) leave the external memory count only when their sweep is finalised, at the next one.
 */
process.on('SIGUSR2', () => {
  global.gc();
  global.gc();
});
