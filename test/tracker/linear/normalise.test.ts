import { describe, expect, it } from "vitest";
import { normaliseLinearIssue } from "../../../src/tracker/linear/normalise.js";

const terminalStates = new Set(["done", "canceled", "cancelled", "closed", "duplicate"]);

function node(patch: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: "uuid-1",
    identifier: "ENG-1",
    title: "Fix it",
    description: null,
    priority: 3,
    branchName: "eng-1-fix-it",
    url: "https://linear.app/acme/issue/ENG-1",
    createdAt: "2026-01-01T10:00:00.000Z",
    updatedAt: "2026-01-02T10:00:00+02:00",
    state: { name: "Todo" },
    assignee: null,
    labels: { nodes: [], pageInfo: { hasNextPage: false } },
    inverseRelations: { nodes: [], pageInfo: { hasNextPage: false } },
    ...patch,
  };
}

function blocks(state: string | null, type = "blocks") {
  return {
    type,
    issue: { id: `b-${state}`, identifier: `ENG-${state}`, state: state === null ? null : { name: state } },
  };
}

const ctx = { terminalStates, assigneeId: null };

describe("Linear normalisation (spec 11.3)", () => {
  it.each([
    ["id", { id: "" }, "missing id"],
    ["identifier", { identifier: null }, "missing identifier"],
    ["title", { title: " " }, "missing title"],
    ["state", { state: null }, "missing state.name"],
    ["state name", { state: { name: "" } }, "missing state.name"],
  ])("a node without a usable %s is malformed", (_field, patch, reason) => {
    const result = normaliseLinearIssue(node(patch), ctx);
    expect(result.ok ? null : result.error.reason).toBe(reason);
  });

  it.each([
    [2, 2],
    [0, 0],
    [2.5, null],
    ["1", null],
    [null, null],
  ])("priority %j becomes %j (integers only)", (priority, expected) => {
    const result = normaliseLinearIssue(node({ priority }), ctx);
    expect(result.ok && result.value.priority).toBe(expected);
  });

  it("unusable label and relation entries are dropped; connections missing entirely give empty lists", () => {
    const result = normaliseLinearIssue(
      node({
        labels: { nodes: [{ name: "UI" }, { name: 3 }, null, { name: "ui " }] },
        inverseRelations: {
          nodes: [blocks("Done"), { type: "blocks", issue: null }, { type: 7 }, blocks("x", "related")],
        },
      }),
      ctx,
    );
    expect(result.ok && result.value.labels).toEqual(["ui"]);
    expect(result.ok && result.value.blockedBy).toEqual([
      { id: "b-Done", identifier: "ENG-Done", state: "Done" },
    ]);
    const bare = normaliseLinearIssue(node({ labels: undefined, inverseRelations: null }), ctx);
    expect(bare.ok && [bare.value.labels, bare.value.blockedBy]).toEqual([[], []]);
  });

  it.each([
    ["Todo", [], true],
    ["Todo", [blocks("Done")], true],
    ["todo", [blocks("Canceled"), blocks("done")], true],
    ["Todo", [blocks("In Progress")], false],
    ["Todo", [blocks(null)], false],
    ["Todo", [blocks("Done"), blocks("Backlog")], false],
    ["Todo", [blocks("In Progress", "BLOCKS")], false],
    ["Todo", [blocks("In Progress", "related")], true],
    ["In Progress", [blocks("In Progress")], true],
  ])("state %s with blockers %j → dispatchable %s", (state, relations, expected) => {
    const result = normaliseLinearIssue(
      node({ state: { name: state }, inverseRelations: { nodes: relations } }),
      ctx,
    );
    expect(result.ok && result.value.dispatchable).toBe(expected);
  });

  it("a Todo issue whose relation list was truncated is not dispatchable (blockers unknown)", () => {
    const truncated = { nodes: [blocks("Done")], pageInfo: { hasNextPage: true } };
    const todo = normaliseLinearIssue(node({ inverseRelations: truncated }), ctx);
    const started = normaliseLinearIssue(
      node({ state: { name: "In Progress" }, inverseRelations: truncated }),
      ctx,
    );
    expect(todo.ok && todo.value.dispatchable).toBe(false);
    expect(started.ok && started.value.dispatchable).toBe(true);
  });

  it.each([
    [null, null, true],
    ["user-1", { id: "user-1" }, true],
    ["user-1", { id: "user-2" }, false],
    ["user-1", null, false],
  ])("assignee filter %j with assignee %j → dispatchable %s", (assigneeId, assignee, expected) => {
    const result = normaliseLinearIssue(node({ assignee, state: { name: "In Progress" } }), {
      terminalStates,
      assigneeId,
    });
    expect(result.ok && result.value.dispatchable).toBe(expected);
  });
});
