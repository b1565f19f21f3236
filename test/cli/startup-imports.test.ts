import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { STARTER_WORKFLOW } from "../../src/cli/starter-workflow.js";
import { exitOf } from "../support/cli-process.js";
import { tempDirPerTest } from "../support/temp-dir.js";

const repo = resolve(import.meta.dirname, "../..");
const tmp = tempDirPerTest();

// a module loader hook that names every module the process loads on stderr, one `loaded <url>` a line
const HOOKS = `export async function load(url, context, next) {
  const result = await next(url, context);
  process.stderr.write("loaded " + url + "\\n");
  return result;
}
`;
const REGISTER = `import { register } from "node:module";
register("./hooks.mjs", import.meta.url);
`;

/** Runs the real CLI from source (through tsx) with the hook; the packages and source files it loaded. */
async function loadedBy(
  args: readonly string[],
): Promise<{ code: number | null; packages: Set<string>; files: string[] }> {
  writeFileSync(join(tmp.path, "hooks.mjs"), HOOKS);
  writeFileSync(join(tmp.path, "register.mjs"), REGISTER);
  const tsx = pathToFileURL(join(repo, "node_modules/tsx/dist/loader.mjs")).href;
  const proc = spawn(
    process.execPath,
    ["--import", tsx, "--import", join(tmp.path, "register.mjs"), join(repo, "src/cli/main.ts"), ...args],
    {
      cwd: tmp.path,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: tmp.path },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stderr = "";
  proc.stderr.on("data", (b: Buffer) => {
    stderr += b.toString();
  });
  proc.stdout.resume();
  const code = await exitOf(proc);
  const urls = [...stderr.matchAll(/^loaded (\S+)$/gm)].map((m) => m[1] ?? "");
  const packages = new Set(
    urls.flatMap((url) => {
      const m = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
      return m === null || m[1] === "tsx" ? [] : [m[1] as string];
    }),
  );
  const files = urls.filter((url) => url.includes("/src/")).map((url) => url.replace(/^.*\/src\//, ""));
  return { code, packages, files };
}

// the service's heavy dependencies: none of them is needed to print a version or check a workflow
const SERVICE_STACK = [
  "hono",
  "@hono/node-server",
  "ai",
  "@ai-sdk/openai",
  "@ai-sdk/anthropic",
  "@libsql/client",
  "pg",
  "chokidar",
  "prom-client",
  "@modelcontextprotocol/sdk",
  "@agentclientprotocol/sdk",
  "log-update",
];

describe("CLI start-up loads only what the command needs", () => {
  it("--version loads commander and nothing that parses or validates a workflow", async () => {
    const { code, packages, files } = await loadedBy(["--version"]);
    expect(code).toBe(0);
    // nothing but commander (Node 24 may load commander's CommonJS build past the ESM hook: then none)
    expect([...packages].filter((name) => name !== "commander")).toEqual([]);
    // the command modules register themselves; their implementations load when a command runs
    expect(
      files.filter((f) => /(loader|kinds|store-command|issue-command|rescue-command)\.ts$/.test(f)),
    ).toEqual([]);
  }, 60_000);

  it("validate loads the workflow toolchain (zod, yaml, liquidjs) but none of the service stack", async () => {
    writeFileSync(join(tmp.path, "WORKFLOW.md"), STARTER_WORKFLOW);
    const { packages } = await loadedBy(["validate"]);
    for (const name of ["zod", "yaml", "liquidjs"]) expect(packages).toContain(name);
    expect(SERVICE_STACK.filter((name) => packages.has(name))).toEqual([]);
  }, 60_000);
});
