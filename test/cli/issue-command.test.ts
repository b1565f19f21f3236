import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/program.js";
import { captureIo } from "../support/cli-io.js";
import { makeTempDir } from "../support/temp-dir.js";
import { writeWorkflow } from "../support/workflow-fixtures.js";

let dir: { path: string; cleanup: () => Promise<void> };
beforeEach(async () => {
  dir = await makeTempDir("symphony-issue-cli-");
  writeWorkflow(
    dir.path,
    "tracker:\n  kind: local\n  provider:\n    path: ./issues\n",
    "Do {{ issue.title }}",
  );
  const { mkdir } = await import("node:fs/promises");
  await mkdir(join(dir.path, "issues"));
});
afterEach(async () => dir.cleanup());

describe("symphony issue (local tracker)", () => {
  it("add creates numbered issue files; list shows them sorted; move and comment edit them", async () => {
    const run = async (...argv: string[]) => {
      const io = captureIo(dir.path);
      const code = await runCli(argv, io);
      return { code, out: io.out(), err: io.err() };
    };
    expect(
      await run("issue", "add", "First task", "--prefix", "DEMO", "--priority", "2", "--label", "Docs"),
    ).toEqual({
      code: 0,
      out: "DEMO-1\n",
      err: "",
    });
    expect((await run("issue", "add", "Second task", "-d", "Body here", "--blocked-by", "DEMO-1")).out).toBe(
      "DEMO-2\n",
    );
    const list = await run("issue", "list");
    expect(list.code).toBe(0);
    expect(list.out.split("\n").slice(1, 3)).toEqual([
      "DEMO-1        Todo            2    First task",
      "DEMO-2        Todo            -    Second task",
    ]);
    expect((await run("issue", "move", "DEMO-1", "In Progress")).code).toBe(0);
    expect((await run("issue", "comment", "DEMO-1", "Started on it")).code).toBe(0);
    const text = await readFile(join(dir.path, "issues", "DEMO-1.md"), "utf8");
    expect(text).toContain("state: In Progress");
    expect(text).toContain("labels:\n  - Docs");
    expect(text).toContain("Started on it");
    expect((await run("issue", "list", "--state", "in progress")).out).toContain("DEMO-1");
    const two = await readFile(join(dir.path, "issues", "DEMO-2.md"), "utf8");
    expect(two).toContain("blocked_by:\n  - DEMO-1");
    expect(two).toContain("Body here");
  });

  it("refuses a state that is neither active nor terminal, listing the valid ones; --force overrides", async () => {
    const run = async (...argv: string[]) => {
      const io = captureIo(dir.path);
      return { code: await runCli(argv, io), err: io.err() };
    };
    expect((await run("issue", "add", "Task", "--id", "T-1")).code).toBe(0);
    const moved = await run("issue", "move", "T-1", "In progres");
    expect(moved.code).toBe(1);
    expect(moved.err).toContain('state "In progres" is neither active nor terminal');
    expect(moved.err).toContain(
      "active: Todo, In Progress; terminal: Closed, Cancelled, Canceled, Duplicate, Done",
    );
    expect(await readFile(join(dir.path, "issues", "T-1.md"), "utf8")).toContain("state: Todo");
    expect((await run("issue", "move", "T-1", "in progress")).code).toBe(0);
    expect((await run("issue", "move", "T-1", "Parked", "--force")).code).toBe(0);
    expect(await readFile(join(dir.path, "issues", "T-1.md"), "utf8")).toContain("state: Parked");
    expect((await run("issue", "add", "Other", "--state", "Backlog")).code).toBe(1);
  });

  it("refuses a --blocked-by that names no issue; --force overrides", async () => {
    const run = async (...argv: string[]) => {
      const io = captureIo(dir.path);
      return { code: await runCli(argv, io), err: io.err() };
    };
    expect((await run("issue", "add", "Base", "--id", "B-1")).code).toBe(0);
    const refused = await run("issue", "add", "Task", "--blocked-by", "NOPE-9", "--blocked-by", "B-1");
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/--blocked-by NOPE-9: no such issue/);
    expect((await run("issue", "add", "Task", "--blocked-by", "b-1")).code).toBe(0);
    expect((await run("issue", "add", "Task", "--blocked-by", "NOPE-9", "--force")).code).toBe(0);
  });

  it("errors are one line with a non-zero exit: unknown issue, duplicate id, non-local tracker", async () => {
    const io1 = captureIo(dir.path);
    expect(await runCli(["issue", "move", "NOPE-1", "Done"], io1)).toBe(1);
    expect(io1.err()).toMatch(/^symphony issue: cannot read NOPE-1\.md/);
    await runCli(["issue", "add", "x", "--id", "X-1"], captureIo(dir.path));
    const io2 = captureIo(dir.path);
    expect(await runCli(["issue", "add", "y", "--id", "X-1"], io2)).toBe(1);
    expect(io2.err()).toBe("symphony issue: X-1.md already exists\n");
    writeWorkflow(dir.path, "tracker:\n  kind: memory\n", "x");
    const io3 = captureIo(dir.path);
    expect(await runCli(["issue", "list"], io3)).toBe(1);
    expect(io3.err()).toContain("need kind local");
  });
});

describe("symphony issue: hostile issue text", () => {
  it("issue list strips ANSI/OSC escapes and control characters from titles and states", async () => {
    const { writeFile } = await import("node:fs/promises");
    // a title that would clear the screen, set the window title (OSC 0) and forge a second row
    const title = "\u001b[2J\u001b]0;pwned\u0007Evil\nFAKE-9        Done            -    forged";
    await writeFile(
      join(dir.path, "issues", "EVIL-1.md"),
      `---\ntitle: ${JSON.stringify(title)}\nstate: "Todo\\u001b[31m"\n---\n`,
    );
    const io = captureIo(dir.path);
    expect(await runCli(["issue", "list"], io)).toBe(0);
    const out = io.out();
    expect(out.includes("\u001b")).toBe(false);
    expect(out.includes("\u0007")).toBe(false);
    expect(out.split("\n").filter((l) => l !== "")).toHaveLength(2);
    expect(out).toContain("EVIL-1        Todo            -    Evil FAKE-9 Done - forged");
  });

  it("issue add refuses identifiers with a newline or a Unicode lookalike", async () => {
    for (const id of ["A\nB", "DEMO\u20101"]) {
      const io = captureIo(dir.path);
      expect(await runCli(["issue", "add", "t", "--id", id], io)).toBe(1);
      expect(io.err()).toContain("invalid identifier");
    }
  });
});
