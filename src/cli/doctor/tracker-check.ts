import type { ServiceConfig } from "../../config/types.js";
import type { TrackerErrorCategory } from "../../domain/errors.js";
import { silentLogger } from "../../domain/logger.js";
import { TRACKERS } from "../../kinds.js";
import { createTracker } from "../../tracker/registry.js";
import { systemClock } from "../../util/clock.js";
import { type CheckResult, result } from "./check.js";

const FIX: Readonly<Record<TrackerErrorCategory, string>> = {
  unsupported_tracker_kind: "set tracker.kind to one of the supported kinds",
  invalid_tracker_config: "fix the tracker settings in WORKFLOW.md (see docs/trackers/)",
  missing_tracker_secret: "export the tracker token variable the workflow names before starting",
  tracker_auth: "the token was rejected: create a new one with read/write access and export it",
  tracker_request: "the tracker is unreachable: check the endpoint/api_url, DNS, proxy and firewall",
  tracker_status: "the tracker answered with an error status: check the endpoint and project/repo settings",
  tracker_response: "the tracker answered something unexpected: check the endpoint points at the real API",
  tracker_pagination: "the tracker paged inconsistently: retry; if it persists narrow the active states",
  tracker_rate_limited: "rate limited: wait for the reset, or lengthen polling.interval_ms",
};

/**
 * The tracker answers: builds the adapter from the config and fetches the active-state candidates once.
 * Reports the count, or the typed error category and message (the adapter never puts the token in it;
 * known secret values are masked as well).
 */
export async function checkTracker(config: ServiceConfig, signal: AbortSignal): Promise<CheckResult> {
  const built = await createTracker(config, { logger: silentLogger, clock: systemClock }, TRACKERS);
  if (!built.ok)
    return result(
      "tracker",
      "fail",
      `${built.error.category}: ${built.error.message}`,
      FIX[built.error.category],
    );
  const tracker = built.value;
  try {
    const fetched = await tracker.fetchIssuesByStates(config.tracker.activeStates, signal);
    if (!fetched.ok) {
      const { category, message } = fetched.error;
      return result("tracker", "fail", `${category}: ${mask(message, config.secretValues)}`, FIX[category]);
    }
    const n = fetched.value.length;
    return result(
      "tracker",
      "ok",
      `${config.tracker.kind} answered: ${n} candidate issue${n === 1 ? "" : "s"} in ${config.tracker.activeStates.join(", ")}`,
    );
  } finally {
    await tracker.close().catch(() => {});
  }
}

/** Replaces every known secret value in `text`. */
export function mask(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join("[redacted]");
  return out;
}
