import type { ServiceConfig, TrackerConfigOf, TrackerKindName } from "./types.js";

/** A config whose tracker is of kind `K` (its `tracker.provider` typed as that kind's settings). */
export type ConfigOfKind<K extends TrackerKindName> = ServiceConfig & {
  readonly tracker: TrackerConfigOf<K>;
};

/** Narrows a config to tracker kind `K` when `tracker.kind` is `kind` (no cast needed by the caller). */
export function hasTrackerKind<K extends TrackerKindName>(
  config: ServiceConfig,
  kind: K,
): config is ConfigOfKind<K> {
  return config.tracker.kind === kind;
}
