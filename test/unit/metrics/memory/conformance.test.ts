import { MemoryCounterStore } from '../../../../src/metrics/memory/MemoryCounterStore.js';
import { counterStoreConformance } from '../conformance.js';
import { timingConformance } from '../timingConformance.js';

counterStoreConformance('MemoryCounterStore', {
  createStore: () => new MemoryCounterStore(),
  reopen: (store) => store, // close() keeps the data of a memory store
  exactUniques: true,
});

timingConformance('MemoryCounterStore', {
  createStore: () => new MemoryCounterStore(),
  reopen: (store) => store,
  exactUniques: true,
});
