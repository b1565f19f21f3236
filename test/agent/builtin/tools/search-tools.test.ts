import { mkdir, realpath, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { globTool, grepTool } from "../../../../src/agent/builtin/tools/search-tools.js";
import { makeTempDir } from "../../../support/temp-dir.js";

let temp: { path: string; cleanup: () => Promise<void> };
let root: string;

beforeEach(async () => {
  temp = await makeTempDir();
  root = await realpath(temp.path);
  await mkdir(join(root, "src", "deep"), { recursive: true });
  await mkdir(join(root, "node_modules", "pkg"), { recursive: true });
  await mkdir(join(root, ".git"));
  await writeFile(join(root, "README.md"), "# Title\nTODO: docs\n");
  await writeFile(join(root, "src", "a.ts"), "export const a = 1; // TODO fix\n");
  await writeFile(join(root, "src", "deep", "b.ts"), "const b = 2;\nconst todo = 3;\n");
  await writeFile(join(root, "src", "c.js"), "TODO\n");
  await writeFile(join(root, "node_modules", "pkg", "index.ts"), "TODO");
  await writeFile(join(root, ".git", "HEAD"), "TODO");
  await writeFile(join(root, "bin.dat"), Buffer.from([84, 79, 68, 79, 0]));
});
afterEach(() => temp.cleanup());

describe("glob tool", () => {
  it("finds files recursively, sorted, skipping .git and node_modules", async () => {
    const out = await globTool(root, { pattern: "**/*.ts" });
    expect(out.output).toBe("src/a.ts\nsrc/deep/b.ts");
    expect(out.summary).toBe("glob **/*.ts (2 files)");
  });

  it("matches relative to a sub-path and does not follow symlinks out of the workspace", async () => {
    const outside = await makeTempDir();
    try {
      await writeFile(join(outside.path, "secret.ts"), "x");
      await symlink(outside.path, join(root, "src", "link"));
      expect((await globTool(root, { pattern: "**/*.ts", path: "src" })).output).toBe(
        "src/a.ts\nsrc/deep/b.ts",
      );
      expect((await globTool(root, { pattern: "*", path: "../" })).ok).toBe(false);
    } finally {
      await outside.cleanup();
    }
  });
});

describe("grep tool", () => {
  it("returns file:line: text for matches in text files, skipping binaries and vendored dirs", async () => {
    const out = await grepTool(root, { pattern: "TODO" });
    expect(out.output.split("\n").sort()).toEqual([
      "README.md:2: TODO: docs",
      "src/a.ts:1: export const a = 1; // TODO fix",
      "src/c.js:1: TODO",
    ]);
  });

  it("supports ignore_case, an include glob and a single-file path", async () => {
    const out = await grepTool(root, { pattern: "todo", ignore_case: true, include: "**/*.ts", path: "src" });
    expect(out.output.split("\n").sort()).toEqual([
      "src/a.ts:1: export const a = 1; // TODO fix",
      "src/deep/b.ts:2: const todo = 3;",
    ]);
    expect((await grepTool(root, { pattern: "const", path: "src/deep/b.ts" })).output).toBe(
      "src/deep/b.ts:1: const b = 2;\nsrc/deep/b.ts:2: const todo = 3;",
    );
  });

  it("an invalid regular expression is an error result", async () => {
    const out = await grepTool(root, { pattern: "(" });
    expect(out.ok).toBe(false);
    expect(out.output).toMatch(/invalid regular expression/);
  });
});

/** Runs `work` while a 10 ms interval measures how long the event loop was blocked at most. */
async function maxEventLoopLag<T>(work: () => Promise<T>): Promise<{ value: T; lagMs: number }> {
  let last = performance.now();
  let lagMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    lagMs = Math.max(lagMs, now - last - 10);
    last = now;
  }, 10);
  try {
    const value = await work();
    lagMs = Math.max(lagMs, performance.now() - last - 10);
    return { value, lagMs };
  } finally {
    clearInterval(timer);
  }
}

describe("search tools and hostile patterns (ReDoS)", () => {
  it("grep with a catastrophic-backtracking pattern keeps the event loop responsive", async () => {
    // a backtracking engine needs ~2^27 steps here (seconds, with the whole service frozen)
    await writeFile(join(root, "evil.txt"), `${"a".repeat(27)}!\n`.repeat(4));
    const { value, lagMs } = await maxEventLoopLag(() => grepTool(root, { pattern: "^(a+)+$" }));
    expect(value.output).toBe("(no matches)");
    expect(lagMs).toBeLessThan(500);
  });

  it("grep refuses what a linear-time engine cannot run, as an error result", async () => {
    const out = await grepTool(root, { pattern: "(a)\\1" });
    expect(out.ok).toBe(false);
    expect(out.output).toMatch(/invalid regular expression/);
  });

  it("a glob with many `**` segments is collapsed and runs in linear time", async () => {
    const deep = join(root, ...Array.from({ length: 18 }, (_, i) => `d${i}`));
    await mkdir(deep, { recursive: true });
    await writeFile(join(deep, `${"x".repeat(40)}.txt`), "");
    const pattern = `${"**/".repeat(12)}*.ts`;
    const { value, lagMs } = await maxEventLoopLag(() => globTool(root, { pattern }));
    expect(value.output).toBe("src/a.ts\nsrc/deep/b.ts");
    expect(lagMs).toBeLessThan(500);
  });
});
