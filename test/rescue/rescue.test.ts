import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createLocalHost } from "../../src/hosts/local.js";
import { listRescues, pruneRescues, restoreRescue } from "../../src/rescue/catalog.js";
import { rescueWorkspace } from "../../src/rescue/rescue.js";
import { defaultRescueSettings } from "../../src/rescue/settings.js";
import { tempDirPerTest } from "../support/temp-dir.js";

const tmp = tempDirPerTest("symphony-rescue-");
const host = createLocalHost();
const issue = { id: "id-R-1", identifier: "R-1" };

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, {
    cwd,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: tmp.path, GIT_CONFIG_NOSYSTEM: "1" },
    encoding: "utf8",
  }).trim();
}

/** A workspace cloned from a bare "remote" with one pushed commit. */
async function clonedWorkspace(): Promise<string> {
  const remote = join(tmp.path, "remote.git");
  const seed = join(tmp.path, "seed");
  const ws = join(tmp.path, "ws", "R-1");
  await mkdir(seed, { recursive: true });
  git(tmp.path, "init", "-q", "--bare", "-b", "main", remote);
  git(seed, "init", "-q", "-b", "main");
  await writeFile(join(seed, "README.md"), "hello\n");
  git(seed, "add", ".");
  git(seed, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "seed");
  git(seed, "push", "-q", remote, "main");
  await mkdir(join(tmp.path, "ws"), { recursive: true });
  git(tmp.path, "clone", "-q", remote, ws);
  return ws;
}

const settings = () => defaultRescueSettings(join(tmp.path, "rescue"));
const request = (workspacePath: string) => ({
  host,
  workspacePath,
  issue,
  runId: "R-1.run.1",
  reason: "removing its workspace",
});

describe("rescueWorkspace (real git, real local host)", () => {
  it("a clean clone with nothing unpushed has nothing to save", async () => {
    const ws = await clonedWorkspace();
    const result = await rescueWorkspace(request(ws), settings());
    expect(result).toEqual({ ok: true, value: null });
    expect(await listRescues(settings().dir)).toEqual([]);
  });

  it("uncommitted and untracked work is bundled on a rescue branch without touching HEAD, index or files, and restores", async () => {
    const ws = await clonedWorkspace();
    await writeFile(join(ws, "README.md"), "hello, changed\n");
    await writeFile(join(ws, "new-file.txt"), "brand new\n");
    const statusBefore = git(ws, "status", "--porcelain");
    const headBefore = git(ws, "rev-parse", "HEAD");
    const result = await rescueWorkspace(request(ws), settings());
    if (!result.ok || result.value === null)
      throw new Error(`expected a rescue, got ${JSON.stringify(result)}`);
    const record = result.value;
    expect(record).toMatchObject({
      kind: "git",
      branch: "symphony/rescue/R-1/R-1.run.1",
      issueIdentifier: "R-1",
    });
    expect(git(ws, "status", "--porcelain")).toBe(statusBefore);
    expect(git(ws, "rev-parse", "HEAD")).toBe(headBefore);
    expect(await listRescues(settings().dir)).toEqual([record]);
    const into = join(tmp.path, "restored");
    expect(await restoreRescue(record, into)).toEqual({ ok: true, value: into });
    expect(await readFile(join(into, "README.md"), "utf8")).toBe("hello, changed\n");
    expect(await readFile(join(into, "new-file.txt"), "utf8")).toBe("brand new\n");
    expect(git(into, "rev-parse", "--abbrev-ref", "HEAD")).toBe("symphony/rescue/R-1/R-1.run.1");
  });

  it("a commit that was never pushed is rescued even with a clean work tree", async () => {
    const ws = await clonedWorkspace();
    await writeFile(join(ws, "feature.txt"), "committed, not pushed\n");
    git(ws, "add", ".");
    git(ws, "-c", "user.name=a", "-c", "user.email=a@a", "commit", "-q", "-m", "agent work");
    const result = await rescueWorkspace(request(ws), settings());
    expect(result.ok && result.value?.kind).toBe("git");
  });

  it("a non-git workspace with files is archived and restores; an empty one has nothing to save", async () => {
    const ws = join(tmp.path, "plain");
    await mkdir(ws, { recursive: true });
    expect(await rescueWorkspace(request(ws), settings())).toEqual({ ok: true, value: null });
    await mkdir(join(ws, "sub"));
    await writeFile(join(ws, "sub", "notes.md"), "notes\n");
    const result = await rescueWorkspace(request(ws), settings());
    if (!result.ok || result.value === null) throw new Error("expected an archive");
    expect(result.value.kind).toBe("archive");
    const into = join(tmp.path, "restored-plain");
    expect((await restoreRescue(result.value, into)).ok).toBe(true);
    expect(await readFile(join(into, "sub", "notes.md"), "utf8")).toBe("notes\n");
  });

  it("a rescue over workspace.rescue.max_bytes fails and leaves no partial file", async () => {
    const ws = join(tmp.path, "big");
    await mkdir(ws, { recursive: true });
    await writeFile(
      join(ws, "random.bin"),
      Buffer.from(Array.from({ length: 200_000 }, () => Math.floor(Math.random() * 256))),
    );
    const result = await rescueWorkspace(request(ws), { ...settings(), maxBytes: 10_000 });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.kind).toBe("rescue_too_large");
    const folder = join(settings().dir, "R-1");
    expect(existsSync(folder) ? await readdir(folder) : []).toEqual([]);
  });

  it("rescues older than workspace.rescue.retention_days are pruned", async () => {
    const ws = join(tmp.path, "old");
    await mkdir(ws, { recursive: true });
    await writeFile(join(ws, "a.txt"), "a\n");
    const old = await rescueWorkspace(request(ws), settings(), new Date("2026-01-01T00:00:00Z"));
    const fresh = await rescueWorkspace(request(ws), settings(), new Date("2026-02-20T00:00:00Z"));
    expect(old.ok && fresh.ok).toBe(true);
    expect(await pruneRescues(settings().dir, 30, Date.parse("2026-02-21T00:00:00Z"))).toBe(1);
    const left = await listRescues(settings().dir);
    expect(left.map((r) => r.createdAt)).toEqual(["2026-02-20T00:00:00.000Z"]);
    if (old.ok && old.value !== null) expect(existsSync(old.value.file)).toBe(false);
  });
});
