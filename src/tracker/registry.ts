import type { ServiceConfig } from "../config/types.js";
import type { TrackerError } from "../domain/errors.js";
import type { KindRegistry } from "../domain/kind.js";
import { err, ok, type Result } from "../domain/result.js";
import type { TrackerAdapter } from "./adapter.js";
import type { TrackerFactoryDeps } from "./factory.js";
import type { TrackerKind } from "./kind.js";

/** Builds the configured tracker adapter from its kind, or `unsupported_tracker_kind`. */
export async function createTracker(
  config: ServiceConfig,
  deps: TrackerFactoryDeps,
  trackers: KindRegistry<TrackerKind>,
): Promise<Result<TrackerAdapter, TrackerError>> {
  const kind = trackers.get(config.tracker.kind);
  if (kind === undefined) {
    return err({
      category: "unsupported_tracker_kind",
      message: `tracker.kind ${JSON.stringify(config.tracker.kind)} is not supported; known: ${trackers.names.join(", ")}`,
      retryable: false,
    });
  }
  // the registry is keyed by the same name as `config.tracker.kind`, so the kind matches the provider
  return ok(await kind.create(config as never, deps));
}
