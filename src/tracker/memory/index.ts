export { createMemoryTracker, MemoryTracker } from "./adapter.js";
export { memoryKind } from "./kind.js";
