import type { Issue } from "../../domain/issue.js";

/** Settings of the in-memory tracker (`tracker.kind: memory`): a fixed list of issues. */
export interface MemoryTrackerSettings {
  readonly issues: readonly Issue[];
}
