import { spawn } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { exitCodeOf, formatResults, runDoctor } from "../../../src/cli/doctor/doctor.js";
import { makeTempDir } from "../../support/temp-dir.js";

const repo = resolve(import.meta.dirname, "../../..");
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function project(
  frontMatter: string,
): Promise<{ dir: string; workflow: string; env: Record<string, string> }> {
  const tmp = await makeTempDir("symphony-doctor-e2e-");
  cleanups.push(tmp.cleanup);
  await mkdir(join(tmp.path, "home"));
  await mkdir(join(tmp.path, "issues"));
  const workflow = join(tmp.path, "WORKFLOW.md");
  await writeFile(workflow, `---\n${frontMatter}\n---\nWork on {{ issue.identifier }}.\n`);
  return { dir: tmp.path, workflow, env: { PATH: "/usr/bin:/bin", HOME: join(tmp.path, "home") } };
}

const GOOD = [
  "tracker: { kind: local, path: ./issues }",
  "workspace: { root: ./ws }",
  "agent: { backend: command }",
  "command: { run: cat }",
  "hooks: { after_create: 'echo created' }",
].join("\n");

/** Runs the real CLI (`src/cli/main.ts` through tsx) and collects its output. */
function cli(args: string[], cwd: string, env: Record<string, string>) {
  const loader = pathToFileURL(join(repo, "node_modules/tsx/dist/loader.mjs")).href;
  const child = spawn(process.execPath, ["--import", loader, join(repo, "src/cli/main.ts"), ...args], {
    cwd,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (b: Buffer) => {
    stdout += b.toString();
  });
  child.stderr.on("data", (b: Buffer) => {
    stderr += b.toString();
  });
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((done) =>
    child.once("close", (code) => done({ code, stdout, stderr })),
  );
}

describe("symphony doctor", () => {
  it("end to end: a sound deployment prints one ok line per check and exits 0; --json is machine-readable", async () => {
    const p = await project(GOOD);
    const text = await cli(["doctor", "--logs-root", "./logs"], p.dir, p.env);
    expect(text.stderr).toBe("");
    expect(text.code).toBe(0);
    const lines = text.stdout.trimEnd().split("\n");
    expect(lines.map((l) => l.split(/\s+/).slice(0, 2).join(" "))).toEqual([
      "ok workflow",
      "ok tracker",
      "ok agent",
      "ok workspace",
      "ok workspace",
      "ok logs",
      "ok hook",
      "ok server",
      "0 failed,",
    ]);
    expect(text.stdout).toContain("local answered: 0 candidate issues");

    const json = await cli(["doctor", p.workflow, "--json"], p.dir, p.env);
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as { ok: boolean; checks: { name: string; status: string }[] };
    expect(parsed.ok).toBe(true);
    expect(parsed.checks.map((c) => c.name)).toContain("tracker");
  });

  it("end to end: a workflow that does not validate is one fail line with a fix, and exit 1", async () => {
    const p = await project(
      "tracker: { kind: local, path: ./issues }\nagent: { backend: command, max_turns: 0 }",
    );
    const result = await cli(["doctor", p.workflow], p.dir, p.env);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^fail {2}workflow {2}.*agent\.max_turns.*→ fix: /);
    expect(result.stdout.trimEnd().split("\n")).toHaveLength(2);
    expect(result.stdout).toContain("1 failed, 0 warnings, 1 checks");
  });

  it("one failing check fails the run while the others still report; warnings alone exit 0", async () => {
    const p = await project(`${GOOD}\nserver: { host: 0.0.0.0, port: 0 }`);
    await writeFile(join(p.dir, "logs-file"), "not a directory");
    const results = await runDoctor({
      workflowPath: p.workflow,
      env: p.env,
      logsRoot: join(p.dir, "logs-file"),
    });
    expect(results.filter((r) => r.status === "fail").map((r) => r.name)).toEqual([
      "logs root",
      "server auth",
    ]);
    expect(results.find((r) => r.name === "tracker")?.status).toBe("ok");
    expect(exitCodeOf(results)).toBe(1);
    expect(exitCodeOf([{ name: "x", status: "warn", detail: "low disk" }])).toBe(0);
    expect(formatResults([{ name: "x", status: "warn", detail: "d", fix: "f" }])).toBe(
      "warn  x  d → fix: f\n",
    );
  });
});
