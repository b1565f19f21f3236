import { describe, expect, it } from "vitest";
import {
  candidateRefusal,
  isRoutable,
  SlotCounter,
  sortForDispatch,
  stateSets,
} from "../../src/orchestrator/eligibility.js";
import { failureDelayMs } from "../../src/orchestrator/retry.js";
import { makeIssue } from "../support/orchestrator/fixtures.js";

const sets = stateSets({
  kind: "memory",
  activeStates: ["Todo", "In Progress"],
  terminalStates: ["Done", "Cancelled"],
  requiredLabels: ["symphony"],
  provider: { issues: [] },
});

describe("eligibility (spec 8.2)", () => {
  it("8.2: priorities outside 1..4 sort with null after the 1..4 bucket", () => {
    const sorted = sortForDispatch([
      makeIssue({ identifier: "a", priority: 0 }),
      makeIssue({ identifier: "b", priority: 4 }),
      makeIssue({ identifier: "c", priority: null }),
      makeIssue({ identifier: "d", priority: 1 }),
      makeIssue({ identifier: "e", priority: 9 }),
    ]);
    expect(sorted.map((i) => i.identifier)).toEqual(["d", "b", "a", "c", "e"]);
  });

  it.each([
    ["terminal state", { state: "Done", labels: ["symphony"] }, { kind: "state_not_active", state: "Done" }],
    [
      "inactive state",
      { state: "Backlog", labels: ["symphony"] },
      { kind: "state_not_active", state: "Backlog" },
    ],
    ["not dispatchable", { dispatchable: false, labels: ["symphony"] }, { kind: "not_dispatchable" }],
    ["missing label", { labels: ["other"] }, { kind: "missing_labels", labels: ["symphony"] }],
    ["blank title", { title: "", labels: ["symphony"] }, { kind: "not_dispatchable" }],
    ["state with spaces and case", { state: "  in progress ", labels: ["symphony"] }, null],
  ])("8.2: %s", (_name, patch, expected) => {
    expect(candidateRefusal(makeIssue(patch), sets)).toEqual(expected);
  });

  it("8.2: issue_routable means dispatchable and every required label", () => {
    expect(isRoutable(makeIssue({ labels: ["symphony"] }), sets)).toBe(true);
    expect(isRoutable(makeIssue({ labels: ["symphony"], dispatchable: false }), sets)).toBe(false);
    const blank = stateSets({
      kind: "memory",
      provider: { issues: [] },
      activeStates: [],
      terminalStates: [],
      requiredLabels: [""],
    });
    expect(isRoutable(makeIssue({ labels: ["anything"] }), blank)).toBe(false);
  });

  it("8.3: per-state caps use the normalised state key and fall back to the global cap", () => {
    const slots = new SlotCounter(3, { "in progress": 1 }, ["In Progress"]);
    expect(slots.available).toBe(2);
    expect(slots.refusal("in progress")).toEqual({ kind: "state_cap", state: "in progress", limit: 1 });
    expect(slots.refusal("Todo")).toBeNull();
    slots.take("Todo");
    slots.take("Todo");
    expect(slots.refusal("Todo")).toEqual({ kind: "no_global_slot", limit: 3 });
  });

  it("8.4: failure backoff is min(10 s * 2^(n-1), cap) and never overflows", () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => failureDelayMs(n, 300_000))).toEqual([
      10_000, 20_000, 40_000, 80_000, 160_000, 300_000,
    ]);
    expect(failureDelayMs(10_000, 300_000)).toBe(300_000);
  });
});
