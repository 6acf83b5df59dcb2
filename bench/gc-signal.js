'use strict';
/**
 * Preloaded into Ferrous by bench/memory.js (node --expose-gc -r bench/gc-signal.js): SIGUSR2 runs
 * a full garbage collection, so that a measurement counts live data, not garbage awaiting GC.
 */
process.on('SIGUSR2', () => global.gc());
