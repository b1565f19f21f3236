import { describe, expect, it } from "vitest";
import { editDistance, findUnknownKeys, nearestKey } from "../../src/config/unknown-keys.js";
import { CONFIG_KINDS } from "../../src/kinds.js";

describe("unknown front-matter keys", () => {
  it.each([
    ["max_concurent_agents", "max_concurrent_agents", 1],
    ["hook", "hooks", 1],
    ["intreval_ms", "interval_ms", 1],
    ["abc", "abc", 0],
  ])("edit distance %s → %s is %i (adjacent swaps count once)", (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });

  it("suggests only plausible neighbours", () => {
    expect(nearestKey("max_turnz", ["max_turns", "backend"])).toBe("max_turns");
    expect(nearestKey("colour", ["max_turns", "backend"])).toBeNull();
  });

  it("walks known sections, leaves data maps alone, and sorts out top-level sections", () => {
    const found = findUnknownKeys(
      {
        tracker: { kind: "linear", provider: { anything: 1 }, activ_states: ["x"] },
        agent: { max_concurrent_agents_by_state: { todo: 1 }, max_concurent_agents: 2 },
        codex: { approval_policy: { granular: { rules: true } } },
        pollling: { interval_ms: 1 },
        my_extension: { x: 1 },
        observability: { refresh_ms: 1000 },
      },
      CONFIG_KINDS,
    );
    expect(found.map((u) => [u.kind, u.key, u.suggestion])).toEqual([
      ["unknown_key", "tracker.activ_states", "active_states"],
      ["unknown_key", "agent.max_concurent_agents", "max_concurrent_agents"],
      ["misspelled_section", "pollling", "polling"],
      ["extension_section", "my_extension", null],
      ["ignored_key", "observability.refresh_ms", null],
    ]);
  });
});
