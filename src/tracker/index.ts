/** The tracker seam: the adapter interface, the kind definition and the registry lookup (no concrete tracker). */
export type { ToolBinding, TrackerAdapter, WebhookRequest, WebhookVerdict } from "./adapter.js";
export type { TrackerFactory, TrackerFactoryDeps } from "./factory.js";
export type { TrackerKind } from "./kind.js";
export { DEFAULT_ACTIVE_STATES, DEFAULT_TERMINAL_STATES } from "./kind.js";
export { createTracker } from "./registry.js";
