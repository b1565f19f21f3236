import { execFileSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** Runs git in `cwd` with a fixed identity and no user or system config; returns trimmed stdout. */
export function gitIn(cwd: string, ...args: string[]): string {
  return execFileSync(
    "git",
    [
      "-c",
      "user.name=Test",
      "-c",
      "user.email=test@example.invalid",
      "-c",
      "init.defaultBranch=main",
      ...args,
    ],
    {
      cwd,
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: cwd, GIT_CONFIG_NOSYSTEM: "1" },
    },
  ).trim();
}

/** Writes a file and commits it; returns the new commit id. */
export async function commitFile(repo: string, name: string, text: string): Promise<string> {
  await writeFile(join(repo, name), text);
  gitIn(repo, "add", name);
  gitIn(repo, "commit", "-q", "-m", `edit ${name}`);
  return gitIn(repo, "rev-parse", "HEAD");
}

/**
 * A bare repository `<root>/remote.git` with one commit on `main`, and a clone of it at `<root>/work`
 * on a new branch `branch` (with `origin` left pointing at the bare repository's path).
 */
export async function repoWithBranch(root: string, branch: string): Promise<{ bare: string; work: string }> {
  const bare = join(root, "remote.git");
  const work = join(root, "work");
  await mkdir(bare, { recursive: true });
  gitIn(bare, "init", "-q", "--bare");
  gitIn(root, "clone", "-q", bare, work);
  await commitFile(work, "README.md", "hello\n");
  gitIn(work, "push", "-q", "origin", "HEAD:refs/heads/main");
  gitIn(work, "checkout", "-q", "-b", branch);
  return { bare, work };
}
