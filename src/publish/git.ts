import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { err, ok, type Result } from "../domain/result.js";
import { maskUrlCredentials } from "../util/url-credentials.js";
import type { PublishError } from "./errors.js";

/** What a workspace has to publish: its branch and head commit, or nothing. */
export type BranchState =
  | { readonly kind: "publishable"; readonly branch: string; readonly head: string; readonly commits: number }
  | { readonly kind: "nothing"; readonly reason: string };

interface GitRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

// git alone, with no inherited credential helpers or prompts; the token only ever travels in `secretEnv`.
function git(
  cwd: string,
  args: readonly string[],
  timeoutMs: number,
  signal: AbortSignal,
  secretEnv: Readonly<Record<string, string>> = {},
): Promise<GitRun> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: process.env.HOME ?? tmpdir(),
    GIT_TERMINAL_PROMPT: "0",
    GIT_CONFIG_NOSYSTEM: "1",
    LANG: "C",
    ...secretEnv,
  };
  return new Promise((resolve) => {
    execFile(
      "git",
      ["-c", "credential.helper=", ...args],
      { cwd, env, timeout: timeoutMs, killSignal: "SIGKILL", signal, maxBuffer: 4 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

/** The last lines of git's stderr, with any URL credentials masked, for messages. */
function tail(run: GitRun): string {
  return maskUrlCredentials(run.stderr.trim().split("\n").slice(-3).join(" / "));
}

/** The current branch and how many commits it has beyond `base` (origin's, else the local one). */
export async function branchState(
  cwd: string,
  base: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<Result<BranchState, PublishError>> {
  const branch = await git(cwd, ["symbolic-ref", "--quiet", "--short", "HEAD"], timeoutMs, signal);
  if (branch.code !== 0) {
    const inside = await git(cwd, ["rev-parse", "--is-inside-work-tree"], timeoutMs, signal);
    if (inside.code !== 0)
      return err({ kind: "not_a_git_workspace", message: `${cwd} is not a git work tree` });
    return ok({ kind: "nothing", reason: "HEAD is detached" });
  }
  const name = branch.stdout.trim();
  if (name === base) return ok({ kind: "nothing", reason: `the workspace is on the base branch ${base}` });
  const head = await git(cwd, ["rev-parse", "HEAD"], timeoutMs, signal);
  if (head.code !== 0) return ok({ kind: "nothing", reason: `branch ${name} has no commits` });
  let range = ["HEAD"];
  for (const ref of [`refs/remotes/origin/${base}`, `refs/heads/${base}`]) {
    if ((await git(cwd, ["rev-parse", "--verify", "--quiet", ref], timeoutMs, signal)).code === 0) {
      range = ["HEAD", `^${ref}`];
      break;
    }
  }
  const count = await git(cwd, ["rev-list", "--count", ...range], timeoutMs, signal);
  const commits = Number(count.stdout.trim());
  if (count.code !== 0 || !Number.isInteger(commits) || commits === 0) {
    return ok({ kind: "nothing", reason: `branch ${name} has no commits beyond ${base}` });
  }
  return ok({ kind: "publishable", branch: name, head: head.stdout.trim(), commits });
}

/** The URL to push to: the configured remote, else the workspace's `origin`. */
export async function pushTarget(
  cwd: string,
  configured: string | null,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<Result<string, PublishError>> {
  if (configured !== null) return ok(configured);
  const url = await git(cwd, ["remote", "get-url", "origin"], timeoutMs, signal);
  if (url.code !== 0 || url.stdout.trim() === "") {
    return err({
      kind: "no_remote",
      message: "the workspace has no origin remote and publish.remote is unset",
    });
  }
  return ok(url.stdout.trim());
}

/**
 * Pushes `branch` (no force: a branch someone else moved is `push_rejected`). Over http(s) the token is
 * given to git by an askpass program that reads it from git's own environment: it is never on a command
 * line, in the workspace's git config, or in any environment but this git process's.
 */
export async function pushBranch(
  cwd: string,
  target: string,
  branch: string,
  token: string,
  username: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<Result<void, PublishError>> {
  const dir = await mkdtemp(join(tmpdir(), "symphony-askpass-"));
  try {
    const askpass = join(dir, "askpass.sh");
    await writeFile(
      askpass,
      `#!/bin/sh\ncase "$1" in\n  Username*) printf '%s\\n' "$SYMPHONY_PUBLISH_USER" ;;\n  *) printf '%s\\n' "$SYMPHONY_PUBLISH_TOKEN" ;;\nesac\n`,
      { mode: 0o700 },
    );
    const run = await git(
      cwd,
      ["push", "--porcelain", target, `HEAD:refs/heads/${branch}`],
      timeoutMs,
      signal,
      {
        GIT_ASKPASS: askpass,
        SYMPHONY_PUBLISH_USER: username,
        SYMPHONY_PUBLISH_TOKEN: token,
      },
    );
    if (run.code === 0) return ok(undefined);
    const text = `${run.stdout}\n${run.stderr}`;
    const rejected = /\[rejected\]|\[remote rejected\]|non-fast-forward|fetch first/.test(text);
    return err({
      kind: rejected ? "push_rejected" : "push_failed",
      message: `git push failed: ${tail(run)}`,
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
