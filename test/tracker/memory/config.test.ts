import { describe, expect, it } from "vitest";
import { parseMemoryProvider } from "../../../src/tracker/memory/config.js";

const ctx = { workflowDir: "/w", env: {} };

describe("parseMemoryProvider", () => {
  it("no issues list means no issues", () => {
    expect(parseMemoryProvider({}, ctx)).toEqual({ ok: true, value: { issues: [] } });
  });

  it("normalises YAML issues to domain issues", () => {
    const r = parseMemoryProvider(
      {
        issues: [
          {
            id: 1,
            identifier: "MEM-1",
            title: "First",
            state: "Todo",
            description: "d",
            priority: 2,
            labels: [" Bug ", "bug", "UI"],
            blocked_by: [{ identifier: "MEM-0", state: "Done" }],
            created_at: "2026-01-01T00:00:00Z",
            url: "https://x/1",
          },
          { id: "2", identifier: "MEM-2", title: "Second", state: "In Progress", dispatchable: false },
        ],
      },
      ctx,
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.issues[0]).toEqual({
      id: "1",
      identifier: "MEM-1",
      title: "First",
      description: "d",
      priority: 2,
      state: "Todo",
      branchName: null,
      url: "https://x/1",
      assigneeId: null,
      labels: ["bug", "ui"],
      blockedBy: [{ id: null, identifier: "MEM-0", state: "Done" }],
      dispatchable: true,
      nativeRef: null,
      createdAt: Date.UTC(2026, 0, 1),
      updatedAt: null,
    });
    expect(r.value.issues[1]?.dispatchable).toBe(false);
  });

  it("reports each bad field with its dotted key", () => {
    const r = parseMemoryProvider(
      {
        issues: [
          {
            id: "1",
            identifier: "",
            title: "t",
            state: "Todo",
            priority: "high",
            labels: [3],
            created_at: "nope",
          },
          "not a map",
          {
            id: "3",
            identifier: "M-3",
            title: "t",
            state: "s",
            blocked_by: ["x"],
            dispatchable: "yes",
            native_ref: 1,
          },
        ],
      },
      ctx,
    );
    expect(!r.ok && r.error.map((e) => e.key)).toEqual([
      "tracker.provider.issues.0.labels.0",
      "tracker.provider.issues.0.identifier",
      "tracker.provider.issues.0.priority",
      "tracker.provider.issues.0.created_at",
      "tracker.provider.issues.1",
      "tracker.provider.issues.2.blocked_by.0",
      "tracker.provider.issues.2.dispatchable",
      "tracker.provider.issues.2.native_ref",
    ]);
    const notList = parseMemoryProvider({ issues: "x" }, ctx);
    expect(!notList.ok && notList.error[0]?.key).toBe("tracker.provider.issues");
  });
});
