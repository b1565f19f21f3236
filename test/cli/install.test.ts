import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTempDir } from "../support/temp-dir.js";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../../", import.meta.url));
let tmp: { path: string; cleanup: () => Promise<void> };

beforeAll(async () => {
  tmp = await makeTempDir("symphony-install-");
  // the package ships dist/: build it once if this checkout has none (what `prepare` does on install)
  if (!existsSync(join(root, "dist", "cli", "main.js"))) {
    await run("npm", ["run", "build"], { cwd: root, timeout: 240_000 });
  }
}, 300_000);
afterAll(async () => tmp?.cleanup());

describe("installing the package (npm pack → npm install -g into a temp prefix)", () => {
  it("gives a working `symphony` on PATH: shebang, executable, --version, init, issue list", async () => {
    const main = join(root, "dist", "cli", "main.js");
    expect(readFileSync(main, "utf8").split("\n")[0]).toBe("#!/usr/bin/env node");
    expect(statSync(main).mode & 0o111).not.toBe(0);
    const env = { ...process.env, npm_config_update_notifier: "false" };
    await run("npm", ["pack", "--ignore-scripts", "--pack-destination", tmp.path], { cwd: root, env });
    const tgz = readdirSync(tmp.path).find((f) => f.endsWith(".tgz"));
    expect(tgz).toBeDefined();
    const prefix = join(tmp.path, "prefix");
    await run(
      "npm",
      [
        "install",
        "-g",
        "--prefix",
        prefix,
        "--prefer-offline",
        "--no-audit",
        "--no-fund",
        join(tmp.path, tgz ?? ""),
      ],
      { cwd: tmp.path, env, timeout: 240_000 },
    );
    const bin = join(prefix, "bin", "symphony");
    const version = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version as string;
    expect((await run(bin, ["--version"], { cwd: tmp.path })).stdout.trim()).toBe(version);
    const project = join(tmp.path, "project");
    await run("mkdir", [project]);
    const cli = { cwd: project, env: { PATH: `${join(prefix, "bin")}:/usr/bin:/bin`, HOME: project } };
    await run("symphony", ["init"], cli);
    expect(existsSync(join(project, "issues", "DEMO-1.md"))).toBe(true);
    expect((await run("symphony", ["issue", "list"], cli)).stdout).toContain("DEMO-1");
  }, 300_000);
});
