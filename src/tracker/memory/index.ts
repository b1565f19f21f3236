export { createMemoryTracker, MemoryTracker } from "./adapter.js";
