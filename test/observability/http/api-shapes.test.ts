import { describe, expect, it } from "vitest";
import type { SkipReason } from "../../../src/domain/snapshot.js";
import { blockedJson, issueJson, stateJson } from "../../../src/observability/http/api-shapes.js";
import { skipReasonJson } from "../../../src/observability/http/skip-shapes.js";
import { blockedRow, busySnapshot, FIXTURE_NOW } from "../../support/snapshot-fixtures.js";

describe("API shapes", () => {
  it.each<[SkipReason, Record<string, unknown>]>([
    [
      { kind: "blocked_by", blockers: ["A-1"] },
      { kind: "blocked_by", blockers: ["A-1"] },
    ],
    [
      { kind: "missing_labels", labels: ["agent"] },
      { kind: "missing_labels", labels: ["agent"] },
    ],
    [
      { kind: "state_not_active", state: "Backlog" },
      { kind: "state_not_active", state: "Backlog" },
    ],
    [
      { kind: "in_backoff", dueAt: FIXTURE_NOW },
      { kind: "in_backoff", due_at: "2026-01-01T12:00:00Z" },
    ],
    [
      { kind: "no_global_slot", limit: 3 },
      { kind: "no_global_slot", limit: 3 },
    ],
    [
      { kind: "state_cap", state: "Todo", limit: 1 },
      { kind: "state_cap", state: "Todo", limit: 1 },
    ],
    [{ kind: "not_dispatchable" }, { kind: "not_dispatchable" }],
    [{ kind: "running" }, { kind: "running" }],
    [{ kind: "claimed" }, { kind: "claimed" }],
    [{ kind: "blocked_on_input" }, { kind: "blocked_on_input" }],
    [{ kind: "no_host_capacity" }, { kind: "no_host_capacity" }],
  ])("skip reason %o → snake_case %o", (reason, expected) => {
    expect(skipReasonJson(reason)).toEqual(expected);
  });

  it("an issue known only as a skipped candidate has status 'skipped' with its reason", () => {
    const body = issueJson(busySnapshot(), "MT-670", () => null);
    expect(body).toMatchObject({
      status: "skipped",
      running: null,
      retry: null,
      logs: { codex_session_logs: [] },
      run_log: null,
      skipped: { reason: { kind: "blocked_by" }, reason_text: "blocked by MT-649" },
    });
  });
});

describe("blocked rows", () => {
  it("carry last_event, last_message and last_event_at like running rows", () => {
    const row = blockedJson(
      blockedRow({
        identifier: "B-1",
        lastEvent: "notification",
        lastMessage: "asking",
        lastEventAt: FIXTURE_NOW,
      }),
    );
    expect(row).toMatchObject({
      last_event: "notification",
      last_message: "asking",
      last_event_at: new Date(FIXTURE_NOW).toISOString().replace(/\.\d{3}Z$/, "Z"),
    });
  });
});

describe("the state body's spend block", () => {
  it("shows today, this month and each budget's use in snake_case, and null without spend control", () => {
    expect(stateJson(busySnapshot()).spend).toEqual({
      today: { tokens: 80_000, cost_usd: 12.5 },
      month: { tokens: 2_000_000, cost_usd: 240.75 },
      budgets: [
        {
          key: "limits.budgets[0]",
          period: "day",
          label: null,
          state: null,
          spent: { tokens: 80_000, cost_usd: 12.5 },
          max_tokens: null,
          max_cost_usd: 100,
          resets_at: "2026-01-02T00:00:00Z",
        },
      ],
    });
    expect(stateJson({ ...busySnapshot(), spend: null }).spend).toBeNull();
  });
});
