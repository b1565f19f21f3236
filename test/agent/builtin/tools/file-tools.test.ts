import { mkdir, readFile, realpath, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  editFileTool,
  listDirTool,
  MAX_FILE_BYTES,
  MAX_READ_CHARS,
  readFileTool,
  writeFileTool,
} from "../../../../src/agent/builtin/tools/file-tools.js";
import { makeTempDir } from "../../../support/temp-dir.js";

let temp: { path: string; cleanup: () => Promise<void> };
let root: string;

beforeEach(async () => {
  temp = await makeTempDir();
  root = await realpath(temp.path);
});
afterEach(() => temp.cleanup());

const lines = (n: number) => Array.from({ length: n }, (_, i) => `line ${i + 1}`).join("\n");

describe("read_file", () => {
  it("reads a whole small file with a header naming the line range", async () => {
    await writeFile(join(root, "a.txt"), "one\ntwo\n");
    const out = await readFileTool(root, { path: "a.txt" });
    expect(out).toEqual({
      ok: true,
      output: "a.txt lines 1-2 of 2\none\ntwo",
      summary: "read_file a.txt:1-2",
    });
  });

  it("reads a 1-based inclusive range and says how to read on", async () => {
    await writeFile(join(root, "b.txt"), lines(10));
    const out = await readFileTool(root, { path: "b.txt", start_line: 3, end_line: 4 });
    expect(out.output).toBe(
      "b.txt lines 3-4 of 10\nline 3\nline 4\n[6 more lines; read on with start_line=5]",
    );
  });

  it("caps the characters returned and points at the next line", async () => {
    const long = Array.from({ length: 100 }, () => "y".repeat(2_000)).join("\n");
    await writeFile(join(root, "big.txt"), long);
    const out = await readFileTool(root, { path: "big.txt" });
    expect(out.ok).toBe(true);
    expect(out.output.length).toBeLessThan(MAX_READ_CHARS + 200);
    expect(out.output).toMatch(/read on with start_line=\d+\]$/);
  });

  it("refuses files over the size cap, binaries, directories and past-the-end ranges", async () => {
    await writeFile(join(root, "huge.txt"), Buffer.alloc(MAX_FILE_BYTES + 1, 97));
    await writeFile(join(root, "bin"), Buffer.from([1, 0, 2]));
    await mkdir(join(root, "dir"));
    await writeFile(join(root, "short.txt"), "x\n");
    expect((await readFileTool(root, { path: "huge.txt" })).output).toMatch(/over the .*-byte limit/);
    expect((await readFileTool(root, { path: "bin" })).output).toMatch(/binary/);
    expect((await readFileTool(root, { path: "dir" })).output).toMatch(/is a directory/);
    expect((await readFileTool(root, { path: "short.txt", start_line: 5 })).output).toMatch(/past the end/);
    expect((await readFileTool(root, { path: "nope.txt" })).ok).toBe(false);
  });

  it("refuses to read outside the workspace", async () => {
    const out = await readFileTool(root, { path: "../../etc/passwd" });
    expect(out.ok).toBe(false);
    expect(out.output).toMatch(/^Error: .*outside the workspace/);
  });
});

describe("write_file", () => {
  it("creates parent directories and reports the byte count", async () => {
    const out = await writeFileTool(root, { path: "deep/er/new.txt", content: "héllo" });
    expect(out).toMatchObject({ ok: true, summary: "write_file deep/er/new.txt (6 bytes)" });
    expect(await readFile(join(root, "deep", "er", "new.txt"), "utf8")).toBe("héllo");
  });

  it("refuses writing through a symlinked directory that leaves the workspace", async () => {
    const outside = await makeTempDir();
    try {
      await symlink(outside.path, join(root, "link"));
      const out = await writeFileTool(root, { path: "link/x.txt", content: "x" });
      expect(out.ok).toBe(false);
      await expect(readFile(join(outside.path, "x.txt"))).rejects.toThrow();
    } finally {
      await outside.cleanup();
    }
  });
});

describe("edit_file", () => {
  it("replaces an exact unique match, treating $ in the replacement literally", async () => {
    await writeFile(join(root, "c.ts"), "const a = 1;\nconst b = 2;\n");
    const out = await editFileTool(root, {
      path: "c.ts",
      old_string: "const b = 2;",
      new_string: "const b = '$&';",
    });
    expect(out.ok).toBe(true);
    expect(await readFile(join(root, "c.ts"), "utf8")).toBe("const a = 1;\nconst b = '$&';\n");
  });

  it("a missing match is a clear error and leaves the file alone", async () => {
    await writeFile(join(root, "c.ts"), "abc\n");
    const out = await editFileTool(root, { path: "c.ts", old_string: "xyz", new_string: "q" });
    expect(out.ok).toBe(false);
    expect(out.output).toMatch(/old_string was not found in c\.ts/);
    expect(await readFile(join(root, "c.ts"), "utf8")).toBe("abc\n");
  });

  it("an ambiguous match names the lines and suggests replace_all", async () => {
    await writeFile(join(root, "d.ts"), "x = 1\ny = 2\nx = 1\n");
    const out = await editFileTool(root, { path: "d.ts", old_string: "x = 1", new_string: "x = 3" });
    expect(out.output).toMatch(/matches 2 places in d\.ts \(lines 1, 3\).*replace_all/);
    const all = await editFileTool(root, {
      path: "d.ts",
      old_string: "x = 1",
      new_string: "x = 3",
      replace_all: true,
    });
    expect(all.summary).toBe("edit_file d.ts (2 replacements)");
    expect(await readFile(join(root, "d.ts"), "utf8")).toBe("x = 3\ny = 2\nx = 3\n");
  });

  it("rejects an empty or no-op old_string", async () => {
    await writeFile(join(root, "e.ts"), "a");
    expect((await editFileTool(root, { path: "e.ts", old_string: "", new_string: "b" })).output).toMatch(
      /must not be empty/,
    );
    expect((await editFileTool(root, { path: "e.ts", old_string: "a", new_string: "a" })).output).toMatch(
      /identical/,
    );
  });
});

describe("list_dir", () => {
  it("lists entries sorted, marking directories and symlinks", async () => {
    await mkdir(join(root, "sub"));
    await writeFile(join(root, "b.txt"), "");
    await symlink(join(root, "b.txt"), join(root, "a-link"));
    const out = await listDirTool(root, {});
    expect(out.output).toBe("./\na-link@\nb.txt\nsub/");
    expect(out.summary).toBe("list_dir . (3 entries)");
  });

  it("refuses to list outside the workspace", async () => {
    expect((await listDirTool(root, { path: "/" })).ok).toBe(false);
  });
});
