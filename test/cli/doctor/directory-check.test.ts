import { existsSync } from "node:fs";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkWritableDir } from "../../../src/cli/doctor/directory-check.js";
import { tempDirsPerTest } from "../../support/temp-dir.js";

const tempDir = tempDirsPerTest("symphony-doctor-dir-");

describe("doctor: workspace root and logs root", () => {
  it("an existing writable directory is ok, reports free space, and keeps no probe file", async () => {
    const dir = await tempDir();
    const result = await checkWritableDir("workspace root", "workspace.root", dir, { diskSpace: true });
    expect(result.status === "ok" || result.status === "warn").toBe(true);
    expect(result.detail).toMatch(/GiB/);
    expect(await readdir(dir)).toEqual([]);
  });

  it("a missing directory that can be created is ok, and doctor removes what it created", async () => {
    const dir = await tempDir();
    const root = join(dir, "a", "b", "ws");
    const result = await checkWritableDir("workspace root", "workspace.root", root);
    expect(result).toEqual({
      name: "workspace root",
      status: "ok",
      detail: `${root} is a writable directory`,
    });
    expect(existsSync(join(dir, "a"))).toBe(false);
  });

  it("a file where the directory should be fails with a fix naming the key", async () => {
    const dir = await tempDir();
    const file = join(dir, "not-a-dir");
    await writeFile(file, "x");
    const direct = await checkWritableDir("logs root", "--logs-root", file);
    expect(direct.status).toBe("fail");
    expect(direct.fix).toContain("--logs-root");
    const below = await checkWritableDir("workspace root", "workspace.root", join(file, "ws"));
    expect(below.status).toBe("fail");
    expect(below.detail).toContain("cannot be created");
  });

  it("an unwritable place (under /proc, even as root) fails", async () => {
    const result = await checkWritableDir("workspace root", "workspace.root", "/proc/self/symphony-ws");
    expect(result.status).toBe("fail");
    expect(result.fix).toContain("workspace.root");
  });

  it("a read-only existing directory fails as not writable", async () => {
    const result = await checkWritableDir("logs root", "--logs-root", "/proc/self");
    expect(result.status).toBe("fail");
    expect(result.detail).toContain("not writable");
    const dir = await tempDir();
    await mkdir(join(dir, "ok"));
    expect((await checkWritableDir("logs root", "--logs-root", join(dir, "ok"))).status).toBe("ok");
  });
});
