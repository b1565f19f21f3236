import { describe, expect, it } from "vitest";
import { hasTrackerKind } from "../../src/config/tracker-of-kind.js";
import { silentLogger } from "../../src/domain/logger.js";
import { err, ok } from "../../src/domain/result.js";
import type { TrackerAdapter } from "../../src/tracker/adapter.js";
import { createMemoryTracker } from "../../src/tracker/memory/adapter.js";
import { checkWebhook } from "../../src/tracker/webhook-check.js";
import { ManualClock } from "../support/manual-clock.js";
import { buildConfig } from "../support/workflow-fixtures.js";

const request = { headers: { "x-sig": "good" }, body: new Uint8Array() };

// A tracker whose verifier accepts only the header value "good", keyed by the secret "s".
const verifying: TrackerAdapter = {
  kind: "verifying",
  fetchIssuesByStates: async () => ok([]),
  fetchIssuesByIds: async () => ok([]),
  toolSpecs: () => [],
  executeTool: async () => ({ success: false, output: null }),
  secretEnvNames: () => [],
  rateLimits: () => null,
  close: async () => {},
  verifyWebhook: (req, secret) =>
    req.headers["x-sig"] === "good" && secret === "s"
      ? ok({ deliveryId: "d", relevant: true })
      : err("signature mismatch"),
};

describe("checkWebhook", () => {
  it("no webhook secret → disabled, whatever the tracker", () => {
    expect(checkWebhook(verifying, null, request)).toEqual({ kind: "disabled" });
    expect(checkWebhook(verifying, "", request)).toEqual({ kind: "disabled" });
  });

  it("a tracker without verifyWebhook → unsupported, naming the kind", () => {
    const memoryConfig = buildConfig({}, "/tmp");
    if (!hasTrackerKind(memoryConfig, "memory")) throw new Error("expected a memory config");
    const memory = createMemoryTracker(memoryConfig, {
      logger: silentLogger,
      clock: new ManualClock(0),
    });
    expect(checkWebhook(memory, "s", request)).toEqual({ kind: "unsupported", tracker: "memory" });
  });

  it("the adapter's verdict is passed through; its error becomes a rejection reason", () => {
    expect(checkWebhook(verifying, "s", request)).toEqual({
      kind: "verified",
      verdict: { deliveryId: "d", relevant: true },
    });
    expect(checkWebhook(verifying, "other", request)).toEqual({
      kind: "rejected",
      reason: "signature mismatch",
    });
  });
});
