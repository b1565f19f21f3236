import type { ServiceConfig } from "../config/types.js";
import type { Logger } from "../domain/logger.js";
import type { Clock } from "../util/clock.js";
import type { TrackerAdapter } from "./adapter.js";

/** What a tracker factory may use besides the config. */
export interface TrackerFactoryDeps {
  readonly logger: Logger;
  readonly clock: Clock;
}

/** Builds an adapter from one config snapshot (its `tracker.provider` already parsed for this kind). */
export type TrackerFactory = (config: ServiceConfig, deps: TrackerFactoryDeps) => TrackerAdapter;
