import { spawn } from "node:child_process";
import { link, mkdir, readdir, readFile, realpath, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { editFileTool, readFileTool, writeFileTool } from "../../../../src/agent/builtin/tools/file-tools.js";
import { makeTempDir } from "../../../support/temp-dir.js";

let temp: { path: string; cleanup: () => Promise<void> };
let root: string;
let outside: string;

beforeEach(async () => {
  temp = await makeTempDir();
  const base = await realpath(temp.path);
  root = join(base, "ws");
  outside = join(base, "outside");
  await mkdir(root);
  await mkdir(outside);
});
afterEach(() => temp.cleanup());

describe("file tools and hard links", () => {
  it("a hard link to a file outside the workspace is neither written, edited nor read", async () => {
    await writeFile(join(outside, "secret.txt"), "outside content\n");
    await link(join(outside, "secret.txt"), join(root, "h.txt"));
    const wrote = await writeFileTool(root, { path: "h.txt", content: "pwned\n" });
    expect(wrote.ok).toBe(false);
    expect(wrote.output).toMatch(/hard link/);
    const edited = await editFileTool(root, { path: "h.txt", old_string: "outside", new_string: "pwned" });
    expect(edited.ok).toBe(false);
    const read = await readFileTool(root, { path: "h.txt" });
    expect(read.ok).toBe(false);
    expect(read.output).not.toContain("outside content");
    expect(await readFile(join(outside, "secret.txt"), "utf8")).toBe("outside content\n");
  });
});

describe("file tools under a symlink-swapping race", () => {
  it("no write lands outside the workspace while another process swaps a directory for a symlink", async () => {
    await mkdir(join(root, "sub"));
    // a real process flips ws/sub between the real directory and a symlink to the outside directory
    const swapper = spawn(
      process.execPath,
      [
        "-e",
        `const fs = require("node:fs");
         const [sub, hidden, out] = process.argv.slice(1);
         const isLink = () => { try { return fs.lstatSync(sub).isSymbolicLink(); } catch { return false; } };
         process.stdout.write("ready\\n");
         for (;;) {
           try { fs.renameSync(sub, hidden); } catch {}
           try { fs.symlinkSync(out, sub); } catch {}
           if (isLink()) try { fs.unlinkSync(sub); } catch {}
           // a directory the tool re-created while sub was missing stays inside the workspace: drop it
           try { fs.rmSync(sub, { recursive: true, force: true }); } catch {}
           try { fs.renameSync(hidden, sub); } catch {}
         }`,
        join(root, "sub"),
        join(root, "sub.hidden"),
        outside,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    try {
      await new Promise((resolve) => swapper.stdout.once("data", resolve));
      let attempts = 0;
      let written = 0;
      const deadline = Date.now() + 4_000;
      while (attempts < 3_000 && Date.now() < deadline) {
        const out = await writeFileTool(root, { path: `sub/f${attempts}.txt`, content: "x" });
        if (out.ok) written++;
        attempts++;
      }
      expect(attempts).toBeGreaterThan(100);
      // the race is real: some writes went through (inside), others were refused or failed
      expect(written).toBeGreaterThan(0);
      expect(written).toBeLessThan(attempts);
    } finally {
      swapper.kill("SIGKILL");
      await new Promise((resolve) => swapper.once("exit", resolve));
    }
    expect(await readdir(outside)).toEqual([]);
  }, 20_000);
});
