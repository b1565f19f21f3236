import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LocalTracker } from "../../../src/tracker/local/adapter.js";
import { makeIssue } from "../../support/orchestrator/fixtures.js";
import { makeTempDir } from "../../support/temp-dir.js";
import { warningLogger } from "../../support/warning-logger.js";

let dir: { path: string; cleanup: () => Promise<void> };
const signal = new AbortController().signal;
const TERMINAL = ["Done", "Cancelled"];

const { logger, warnings } = warningLogger();

beforeEach(async () => {
  dir = await makeTempDir("symphony-local-");
  warnings.length = 0;
});
afterEach(async () => dir.cleanup());

const file = (name: string, text: string) => writeFile(join(dir.path, `${name}.md`), text);
const tracker = () => new LocalTracker(dir.path, TERMINAL, logger);

describe("17.3 local tracker", () => {
  it("17.3: candidate fetch applies the requested states (case-insensitive) and normalises fields", async () => {
    await file(
      "LOC-1",
      "---\ntitle: First\nstate: todo\npriority: 2\nlabels: [Bug, ' UI ', bug]\ncreated_at: 2026-01-02T03:04:05Z\n---\nBody text\n",
    );
    await file("LOC-2", "---\ntitle: Second\nstate: Done\n---\n");
    const result = await tracker().fetchIssuesByStates(["Todo", "In Progress"], signal);
    expect(result).toEqual({
      ok: true,
      value: [
        {
          ...makeIssue({ id: "LOC-1", identifier: "LOC-1" }),
          title: "First",
          state: "todo",
          priority: 2,
          labels: ["bug", "ui"],
          description: "Body text",
          createdAt: Date.parse("2026-01-02T03:04:05Z"),
        },
      ],
    });
  });

  it("17.3: empty state and id lists return empty without touching the folder", async () => {
    const missing = new LocalTracker(join(dir.path, "nope"), TERMINAL, logger);
    expect(await missing.fetchIssuesByStates([], signal)).toEqual({ ok: true, value: [] });
    expect(await missing.fetchIssuesByIds([], signal)).toEqual({ ok: true, value: [] });
    const failing = await missing.fetchIssuesByStates(["Todo"], signal);
    expect(failing.ok).toBe(false);
    if (!failing.ok) expect(failing.error.category).toBe("invalid_tracker_config");
  });

  it("17.3: unusable optional metadata normalises to null/empty without hiding the issue", async () => {
    await file(
      "LOC-3",
      "---\ntitle: Odd\nstate: Todo\npriority: high\nlabels: nope\ncreated_at: yesterday-ish\n---\n",
    );
    const result = await tracker().fetchIssuesByStates(["Todo"], signal);
    expect(result.ok && result.value[0]).toMatchObject({
      priority: null,
      labels: [],
      createdAt: null,
      description: null,
    });
  });

  it("17.3: state-list reads skip and log malformed files by name; ID refresh fails on a malformed requested file", async () => {
    await file("GOOD-1", "---\ntitle: ok\nstate: Todo\n---\n");
    await file("BAD-1", "no front matter here");
    await file("BAD-2", "---\ntitle: [unclosed\nstate: Todo\n---\n");
    await file("BAD-3", "---\nstate: Todo\n---\n");
    const t = tracker();
    const list = await t.fetchIssuesByStates(["Todo"], signal);
    expect(list.ok && list.value.map((i) => i.identifier)).toEqual(["GOOD-1"]);
    expect(warnings.map((w) => w.fields?.file).sort()).toEqual(["BAD-1.md", "BAD-2.md", "BAD-3.md"]);
    expect(warnings.find((w) => w.fields?.file === "BAD-3.md")?.fields?.reason).toBe("title is missing");
    await t.fetchIssuesByStates(["Todo"], signal);
    expect(warnings).toHaveLength(3); // reported once, not every poll
    const refresh = await t.fetchIssuesByIds(["GOOD-1", "BAD-3"], signal);
    expect(refresh).toMatchObject({ ok: false, error: { category: "tracker_response" } });
  });

  it("17.3: refresh by id returns full snapshots and omits ids that are gone", async () => {
    await file("LOC-4", "---\ntitle: Four\nstate: In Progress\nlabels: [x]\n---\nDesc\n");
    const result = await tracker().fetchIssuesByIds(["LOC-4", "MISSING-1", "../etc/passwd"], signal);
    expect(result.ok && result.value).toMatchObject([
      { id: "LOC-4", title: "Four", labels: ["x"], description: "Desc" },
    ]);
  });

  it("17.3: blockers become explicit dispatchable (Todo with a non-terminal or unknown blocker is not dispatchable)", async () => {
    await file("BLK-1", "---\ntitle: blocker\nstate: In Progress\n---\n");
    await file("BLK-2", "---\ntitle: done blocker\nstate: Done\n---\n");
    await file("DEP-1", "---\ntitle: waits\nstate: Todo\nblocked_by: [BLK-1]\n---\n");
    await file("DEP-2", "---\ntitle: free\nstate: Todo\nblocked_by: [BLK-2]\n---\n");
    await file("DEP-3", "---\ntitle: unknown\nstate: Todo\nblocked_by: [GONE-9]\n---\n");
    await file("DEP-4", "---\ntitle: started\nstate: In Progress\nblocked_by: [BLK-1]\n---\n");
    const t = tracker();
    const list = await t.fetchIssuesByStates(["Todo", "In Progress"], signal);
    const byId = Object.fromEntries((list.ok ? list.value : []).map((i) => [i.id, i]));
    expect(byId["DEP-1"]?.dispatchable).toBe(false);
    expect(byId["DEP-1"]?.blockedBy).toEqual([{ id: "BLK-1", identifier: "BLK-1", state: "In Progress" }]);
    expect(byId["DEP-2"]?.dispatchable).toBe(true);
    expect(byId["DEP-3"]?.dispatchable).toBe(false);
    expect(byId["DEP-4"]?.dispatchable).toBe(true);
    const refreshed = await t.fetchIssuesByIds(["DEP-1"], signal);
    expect(refreshed.ok && refreshed.value[0]?.dispatchable).toBe(false);
  });

  it("edits by people are picked up on the next poll", async () => {
    await file("ED-1", "---\ntitle: t\nstate: Todo\n---\n");
    const t = tracker();
    expect((await t.fetchIssuesByStates(["Todo"], signal)).ok).toBe(true);
    await file("ED-1", "---\ntitle: t\nstate: Backlog\n---\n");
    const after = await t.fetchIssuesByStates(["Todo"], signal);
    expect(after.ok && after.value).toEqual([]);
  });

  it("an in-place edit of the same size, a fix of a malformed file and a deletion are all seen on the next poll", async () => {
    await file("SZ-1", "---\ntitle: t\nstate: Todo\n---\n");
    await file("SZ-2", "---\ntitle: [broken\n---\n");
    const t = tracker();
    const first = await t.fetchIssuesByStates(["Todo", "Done"], signal);
    expect(first.ok && first.value.map((i) => i.identifier)).toEqual(["SZ-1"]);
    await file("SZ-1", "---\ntitle: t\nstate: Done\n---\n"); // same length as before
    await file("SZ-2", "---\ntitle: fixed\nstate: Todo\n---\n");
    const second = await t.fetchIssuesByStates(["Todo", "Done"], signal);
    expect(second.ok && second.value.map((i) => [i.identifier, i.state]).sort()).toEqual([
      ["SZ-1", "Done"],
      ["SZ-2", "Todo"],
    ]);
    await rm(join(dir.path, "SZ-1.md"));
    const third = await t.fetchIssuesByStates(["Todo", "Done"], signal);
    expect(third.ok && third.value.map((i) => i.identifier)).toEqual(["SZ-2"]);
  });
});

describe("local tracker tool update_issue", () => {
  it("changes the worked issue's state and appends a comment, atomically and keeping other fields", async () => {
    await file("TL-1", "---\n# keep me\ntitle: Tool\nstate: Todo\nlabels: [a]\n---\nOriginal body\n");
    const t = tracker();
    expect(t.toolSpecs().map((s) => s.name)).toEqual(["update_issue"]);
    const issue = makeIssue({ id: "TL-1", identifier: "TL-1" });
    const result = await t.executeTool(
      "update_issue",
      { state: "Human Review", comment: "Done: added README" },
      { issue, signal },
    );
    expect(result).toEqual({
      success: true,
      output: { identifier: "TL-1", state: "Human Review", comment: "Done: added README" },
    });
    const text = await readFile(join(dir.path, "TL-1.md"), "utf8");
    expect(text).toContain("# keep me");
    expect(text).toContain("state: Human Review");
    expect(text).toContain("Original body");
    expect(text).toMatch(/## Comment \(.+\)\n\nDone: added README\n$/);
    expect((await readdir(dir.path)).filter((n) => n.endsWith(".tmp"))).toEqual([]);
    const refreshed = await t.fetchIssuesByIds(["TL-1"], signal);
    expect(refreshed.ok && refreshed.value[0]?.state).toBe("Human Review");
  });

  it.each([
    [{}, "Give `state`, `comment`, or both."],
    [{ state: "" }, "`state` must be a non-empty string."],
    [{ state: "X", other: 1 }, "Unknown fields: other."],
    ["text", "update_issue expects an object with `state` and/or `comment`."],
  ])("rejects bad input %j with a message", async (args, message) => {
    await file("TL-2", "---\ntitle: t\nstate: Todo\n---\n");
    const result = await tracker().executeTool("update_issue", args, {
      issue: makeIssue({ id: "TL-2", identifier: "TL-2" }),
      signal,
    });
    expect(result).toEqual({ success: false, output: { error: { message } } });
  });

  it("an unknown tool name fails without throwing", async () => {
    const result = await tracker().executeTool("delete_everything", {}, { issue: makeIssue(), signal });
    expect(result.success).toBe(false);
  });
});

describe("local tracker: hostile file names", () => {
  it("names with a backslash, a newline, a Unicode lookalike or over 200 characters are refused with one warning each, not listed every poll", async () => {
    const good = "---\ntitle: ok\nstate: Todo\n---\n";
    await file("OK-1", good);
    const hostile = ["A\\B", "NL\nFAKE", "DEMO\u20101", `L${"x".repeat(200)}`];
    for (const name of hostile) await file(name, good);
    const t = tracker();
    for (let poll = 0; poll < 3; poll++) {
      const list = await t.fetchIssuesByStates(["Todo"], signal);
      expect(list.ok && list.value.map((i) => i.identifier)).toEqual(["OK-1"]);
    }
    // warned once per file, across three polls
    expect(warnings.map((w) => w.fields?.file).sort()).toEqual(hostile.map((n) => `${n}.md`).sort());
    expect(String(warnings[0]?.fields?.reason)).toContain("not a valid identifier");
  });
});
