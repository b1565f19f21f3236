import type { ServiceConfig, TrackerConfigOf, TrackerKindName } from "../config/types.js";
import type { Logger } from "../domain/logger.js";
import type { Clock } from "../util/clock.js";
import type { TrackerAdapter } from "./adapter.js";

/** What a tracker factory may use besides the config. */
export interface TrackerFactoryDeps {
  readonly logger: Logger;
  readonly clock: Clock;
}

/** Builds an adapter of kind `K` from one config snapshot (its `tracker.provider` parsed for `K`). */
export type TrackerFactory<K extends TrackerKindName> = (
  config: ServiceConfig & { readonly tracker: TrackerConfigOf<K> },
  deps: TrackerFactoryDeps,
) => TrackerAdapter;
