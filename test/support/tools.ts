import { accessSync, constants } from "node:fs";
import { delimiter, dirname, isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, it } from "vitest";

/** A program some tests need, where it is looked up, and how to install it. */
export interface TestTool {
  readonly name: string;
  /** An absolute path, or a bare name searched on PATH. Tests may point it elsewhere with `envVar`. */
  readonly path: string;
  readonly install: string;
}

function tool(name: string, envVar: string, fallback: string, install: string): TestTool {
  const configured = process.env[envVar];
  return { name, path: configured !== undefined && configured !== "" ? configured : fallback, install };
}

/** Debian's chromium, for the web dashboard tests (`$CHROMIUM_PATH` overrides the path). */
export const CHROMIUM = tool("chromium", "CHROMIUM_PATH", "/usr/bin/chromium", "apt-get install -y chromium");
/** OpenSSH's server, for the SSH worker tests (`$SSHD_PATH` overrides the path). */
export const SSHD = tool("sshd", "SSHD_PATH", "/usr/sbin/sshd", "apt-get install -y openssh-server");
/** Debian's dockerd, for the Docker host tests, which start their own daemons (`$DOCKERD_PATH`). */
export const DOCKERD = tool("dockerd", "DOCKERD_PATH", "/usr/sbin/dockerd", "apt-get install -y docker.io");
/** The docker CLI, which the Docker tests build images with (`$DOCKER_PATH`). */
export const DOCKER_CLI = tool("docker", "DOCKER_PATH", "docker", "apt-get install -y docker.io");
/** A static busybox, the shell tools of the images the Docker tests build FROM scratch (`$BUSYBOX_PATH`). */
export const BUSYBOX = tool("busybox", "BUSYBOX_PATH", "/bin/busybox", "apt-get install -y busybox-static");
/** Debian's PostgreSQL server (its cluster wrapper marks the install), for the store tests. */
export const POSTGRES = tool(
  "postgresql",
  "PG_CTLCLUSTER_PATH",
  "/usr/bin/pg_ctlcluster",
  "apt-get install -y postgresql",
);
/** tmux, for the real-terminal dashboard tests (`$TMUX_PATH` overrides the lookup). */
/** openssl, to mint the CA and certificates of the fake Kubernetes API server. */
export const OPENSSL = tool("openssl", "OPENSSL_PATH", "openssl", "apt-get install -y openssl");
export const TMUX = tool("tmux", "TMUX_PATH", "tmux", "apt-get install -y tmux");

/** Claude Code from the pinned devDependency (`$CLAUDE_PATH` overrides the path). */
export const CLAUDE = tool(
  "claude",
  "CLAUDE_PATH",
  join(dirname(fileURLToPath(import.meta.url)), "../../node_modules/.bin/claude"),
  "npm ci (the pinned devDependency @anthropic-ai/claude-code provides node_modules/.bin/claude)",
);

/** Claude Code's ACP adapter from the pinned devDependency (`$CLAUDE_CODE_ACP_PATH` overrides the path). */
export const CLAUDE_CODE_ACP = tool(
  "claude-code-acp",
  "CLAUDE_CODE_ACP_PATH",
  join(dirname(fileURLToPath(import.meta.url)), "../../node_modules/.bin/claude-code-acp"),
  "npm ci (the pinned devDependency @zed-industries/claude-code-acp provides node_modules/.bin/claude-code-acp)",
);

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Why a tool is unusable here (naming what to install), or null when it is found. */
export function toolMissing(t: TestTool, env: NodeJS.ProcessEnv = process.env): string | null {
  const found = isAbsolute(t.path)
    ? executable(t.path)
    : (env.PATH ?? "").split(delimiter).some((dir) => dir !== "" && executable(join(dir, t.path)));
  return found ? null : `${t.name} not found (${t.path}); install it: ${t.install}`;
}

/** True when `CI` asks for every test to run: a missing tool is then a failure, not a skip. */
export function strictTools(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = (env.CI ?? "").trim().toLowerCase();
  return ci !== "" && ci !== "0" && ci !== "false";
}

/**
 * `describe` for tests that need external programs. All found → a plain `describe`. One missing →
 * the suite is skipped with the reason (what to install) in its name and on stderr; under `CI=true`
 * it is instead one failing test carrying that reason, so CI can never pass by skipping.
 */
export function describeNeeding(tools: readonly TestTool[]): {
  readonly missing: string | null;
  readonly describe: (name: string, ...rest: unknown[]) => void;
} {
  const reasons = tools.map((t) => toolMissing(t)).filter((r): r is string => r !== null);
  const missing = reasons.length === 0 ? null : reasons.join("; ");
  const run = (name: string, ...rest: unknown[]): void => {
    if (missing === null) {
      (describe as (...args: unknown[]) => void)(name, ...rest);
    } else if (strictTools()) {
      describe(name, () => {
        it(`needs ${tools.map((t) => t.name).join(", ")} (CI is set, so a missing tool fails)`, () => {
          throw new Error(missing);
        });
      });
    } else {
      process.stderr.write(`skipped "${name}": ${missing}\n`);
      (describe.skip as (...args: unknown[]) => void)(`${name} [skipped: ${missing}]`, ...rest);
    }
  };
  return { missing, describe: run };
}
