import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isValidIdentifier, LocalIssueStore } from "../../../src/tracker/local/store.js";
import { makeTempDir } from "../../support/temp-dir.js";

let dir: { path: string; cleanup: () => Promise<void> };
beforeEach(async () => {
  dir = await makeTempDir("symphony-local-store-");
});
afterEach(async () => dir.cleanup());

describe("local issue store", () => {
  it.each([
    ["DEMO-1", true],
    ["a.b_c-9", true],
    ["x".repeat(200), true],
    ["x".repeat(201), false],
    ["A\nB", false],
    ["A\\B", false],
    ["A/B", false],
    [".hidden", false],
    ["DEMO\u20101", false], // Unicode hyphen lookalike
    ["DЕMO-1", false], // Cyrillic Е
    ["A B", false],
    ["\u001b[31mRED", false],
  ])("isValidIdentifier(%j) is %s", (id, expected) => {
    expect(isValidIdentifier(id)).toBe(expected);
  });

  it("a create that fails for another reason than an existing file says so (not 'already exists')", async () => {
    const store = new LocalIssueStore(`${dir.path}/missing-folder`);
    const created = await store.create("NEW-1", { title: "t", state: "Todo", createdAt: new Date(0) });
    expect(created.ok).toBe(false);
    if (created.ok) return;
    expect(created.error).not.toContain("already exists");
    expect(created.error).toContain("ENOENT");
    const real = new LocalIssueStore(dir.path);
    expect(await real.create("NEW-1", { title: "t", state: "Todo", createdAt: new Date(0) })).toEqual({
      ok: true,
      value: undefined,
    });
    expect(await real.create("NEW-1", { title: "t", state: "Todo", createdAt: new Date(0) })).toEqual({
      ok: false,
      error: "NEW-1.md already exists",
    });
  });
});
