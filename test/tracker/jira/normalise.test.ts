import { describe, expect, it } from "vitest";
import { normaliseJiraIssue } from "../../../src/tracker/jira/normalise.js";

const ctx = {
  baseUrl: "https://a.atlassian.net",
  projectKey: "PROJ",
  terminalStates: new Set(["done", "won't do"]),
};
const raw = (status: Record<string, unknown>, links: unknown[] = [], project = "PROJ") => ({
  id: "10",
  key: "PROJ-10",
  fields: { summary: "s", status, project: { key: project }, issuelinks: links },
});
const blocks = (state: string | null, typeName = "Blocks") => ({
  type: { name: typeName },
  inwardIssue: { id: "9", key: "PROJ-9", fields: state === null ? {} : { status: { name: state } } },
});

describe("normaliseJiraIssue: dispatchable (blockers gate only new-category issues)", () => {
  it.each([
    ["new, no blockers", { name: "To Do", statusCategory: { key: "new" } }, [], true],
    [
      "new, blocker in progress",
      { name: "To Do", statusCategory: { key: "new" } },
      [blocks("In Progress")],
      false,
    ],
    ["new, blocker done", { name: "To Do", statusCategory: { key: "new" } }, [blocks("Done")], true],
    [
      "new, blocker Won't Do (terminal, any case)",
      { name: "To Do", statusCategory: { key: "new" } },
      [blocks("WON'T DO")],
      true,
    ],
    ["new, blocker status unknown", { name: "To Do", statusCategory: { key: "new" } }, [blocks(null)], false],
    [
      "new, lower-case link type",
      { name: "Open", statusCategory: { key: "new" } },
      [blocks("Open", "blocks")],
      false,
    ],
    [
      "new, other link type ignored",
      { name: "To Do", statusCategory: { key: "new" } },
      [blocks("Open", "Relates")],
      true,
    ],
    [
      "indeterminate, blocker open",
      { name: "In Progress", statusCategory: { key: "indeterminate" } },
      [blocks("Open")],
      true,
    ],
    ["no category, named To Do", { name: "To Do" }, [blocks("Open")], false],
    ["no category, named Backlog", { name: "Backlog" }, [blocks("Open")], true],
  ])("%s → %s", (_name, status, links, dispatchable) => {
    const record = normaliseJiraIssue(raw(status, links), ctx);
    expect(record.kind === "issue" && record.issue.dispatchable).toBe(dispatchable);
  });

  it("an outward link (this issue blocks another) is not a blocker", () => {
    const record = normaliseJiraIssue(
      raw({ name: "To Do", statusCategory: { key: "new" } }, [
        {
          type: { name: "Blocks" },
          outwardIssue: { id: "11", key: "PROJ-11", fields: { status: { name: "To Do" } } },
        },
      ]),
      ctx,
    );
    expect(record.kind === "issue" && record.issue.blockedBy).toEqual([]);
  });

  it("an issue of another project is out of scope; one without a project key is malformed", () => {
    expect(normaliseJiraIssue(raw({ name: "To Do" }, [], "OTHER"), ctx)).toEqual({
      kind: "out_of_scope",
      id: "10",
    });
    expect(
      normaliseJiraIssue({ id: "10", key: "PROJ-10", fields: { summary: "s", status: { name: "x" } } }, ctx),
    ).toEqual({
      kind: "malformed",
      id: "10",
      reason: "missing fields.project.key",
    });
  });
});
