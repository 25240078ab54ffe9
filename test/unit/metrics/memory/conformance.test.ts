import { MemoryCounterStore } from '../../../../src/metrics/memory/MemoryCounterStore.js';
import { counterStoreConformance } from '../conformance.js';

counterStoreConformance('MemoryCounterStore', {
  createStore: () => new MemoryCounterStore(),
  reopen: (store) => store, // close() keeps the data of a memory store
  exactUniques: true,
});
