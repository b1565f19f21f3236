import { mkdir, realpath, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { confinePath } from "../../../../src/agent/builtin/tools/workspace-path.js";
import { makeTempDir } from "../../../support/temp-dir.js";

let temp: { path: string; cleanup: () => Promise<void> };
let root: string;

beforeEach(async () => {
  temp = await makeTempDir();
  root = join(await realpath(temp.path), "ws");
  await mkdir(join(root, "src"), { recursive: true });
  await writeFile(join(root, "src", "a.ts"), "x");
  await mkdir(join(temp.path, "outside"));
  await symlink(join(temp.path, "outside"), join(root, "out-link"));
  await symlink(join(root, "src"), join(root, "in-link"));
  await symlink(join(temp.path, "outside", "missing"), join(root, "dangling"));
});
afterEach(() => temp.cleanup());

describe("workspace confinement", () => {
  it.each([
    ["src/a.ts", "src/a.ts"],
    ["./src/../src/a.ts", "src/a.ts"],
    [".", "."],
    ["new/dir/file.txt", "new/dir/file.txt"],
    ["in-link/a.ts", "src/a.ts"],
  ])("accepts %s inside the workspace (resolved to %s)", async (requested, display) => {
    const result = await confinePath(root, requested);
    expect(result).toEqual({
      ok: true,
      value: { real: join(root, display === "." ? "" : display), display },
    });
  });

  it("accepts an absolute path inside the workspace", async () => {
    const result = await confinePath(root, join(root, "src", "a.ts"));
    expect(result.ok && result.value.display).toBe("src/a.ts");
  });

  it.each(["../x", "src/../../x", "/etc/passwd", "out-link/file.txt", "out-link"])(
    "refuses %s as a workspace escape, with data",
    async (requested) => {
      expect(await confinePath(root, requested)).toEqual({
        ok: false,
        error: { kind: "workspace_escape", path: requested, root },
      });
    },
  );

  it("refuses writing through a dangling symlink (its target could be anywhere)", async () => {
    expect(await confinePath(root, "dangling")).toEqual({
      ok: false,
      error: { kind: "dangling_symlink", path: "dangling" },
    });
  });

  it("refuses a sibling directory that shares the root's name as a prefix", async () => {
    await mkdir(`${root}-evil`);
    const result = await confinePath(root, `${root}-evil/x`);
    expect(result.ok).toBe(false);
  });
});
