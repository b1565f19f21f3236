import type { TrackerSettingsKind } from "../config/kind-settings.js";
import type { ServiceConfig, TrackerConfigOf, TrackerKindName, TrackerProviders } from "../config/types.js";
import type { TrackerAdapter } from "./adapter.js";
import type { TrackerFactoryDeps } from "./factory.js";

/**
 * One tracker kind (`tracker.kind: <name>`): default states, provider parser, secrets and state checks
 * (the part config loading uses, {@link TrackerSettingsKind}), plus its factory. The factory imports the
 * adapter module when called, so defining the kind loads no HTTP/GraphQL client.
 */
export interface TrackerKind<K extends TrackerKindName = TrackerKindName>
  extends TrackerSettingsKind<TrackerProviders[K]> {
  readonly name: K;
  /** Builds the adapter for a config whose `tracker.kind` is this kind (provider already parsed). */
  create(
    config: ServiceConfig & { readonly tracker: TrackerConfigOf<K> },
    deps: TrackerFactoryDeps,
  ): Promise<TrackerAdapter>;
}

/** The default states of trackers whose states are free text (Linear's, and the test trackers'). */
export const DEFAULT_ACTIVE_STATES: readonly string[] = ["Todo", "In Progress"];
/** See {@link DEFAULT_ACTIVE_STATES}. */
export const DEFAULT_TERMINAL_STATES: readonly string[] = [
  "Closed",
  "Cancelled",
  "Canceled",
  "Duplicate",
  "Done",
];
