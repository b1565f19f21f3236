export { ASANA_MAX_PAGES, AsanaTracker, createAsanaTracker } from "./adapter.js";
export { ASANA_TASK_FIELDS, AsanaClient } from "./client.js";
export type { AsanaTrackerSettings } from "./config.js";
export { parseAsanaProvider } from "./config.js";
export { asanaKind } from "./kind.js";
export { normaliseAsanaTask } from "./normalise.js";
export { ASANA_API_OPTIONS, ASANA_API_TOOL } from "./tools.js";
