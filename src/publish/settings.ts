import { z } from "zod";
import { resolveOptionalSecret } from "../config/env-values.js";
import { configError } from "../config/provider.js";
import { nonBlank, positiveInt } from "../config/schema-parts.js";
import type { WorkflowError } from "../domain/workflow-error.js";
import { parseApiUrl } from "../tracker/rest/settings.js";

/** Which forge receives the pull (merge) request. */
export type Forge = "github" | "gitlab";

/** `publish:` — Symphony pushes the branch and opens the PR itself after a successful run. */
export interface PublishSettings {
  readonly forge: Forge;
  /** The forge token (resolved secret); never given to agents, hooks or the workspace's git config. */
  readonly token: string;
  /** REST base URL without a trailing `/`. */
  readonly apiUrl: string;
  /** GitHub `owner/repo`; GitLab project path (`group/project`) or numeric id. */
  readonly repo: string;
  /** Git URL to push to; null → the workspace's `origin` remote. */
  readonly remote: string | null;
  /** The PR's target branch. */
  readonly base: string;
  /** Tracker state to move the issue to once the PR is open; null → leave it. */
  readonly handoffState: string | null;
  /** Tries per publication (push + PR) before it is reported as failed. */
  readonly attempts: number;
  readonly retryDelayMs: number;
  readonly timeoutMs: number;
}

const DEFAULT_API: Readonly<Record<Forge, string>> = {
  github: "https://api.github.com",
  gitlab: "https://gitlab.com/api/v4",
};

/** The zod schema of `publish:` (snake_case); absent → publishing is off. */
export const publishSchema = z
  .object({
    forge: z.enum(["github", "gitlab"], { error: "must be github or gitlab" }),
    token: nonBlank.describe("Secret: the forge token, usually $VAR"),
    api_url: nonBlank.optional().describe("Default https://api.github.com or https://gitlab.com/api/v4"),
    repo: nonBlank.describe("GitHub owner/repo, or GitLab group/project (or its numeric id)"),
    remote: nonBlank.nullable().default(null).describe("Git URL to push to; default: the workspace's origin"),
    base: nonBlank.default("main").describe("The branch the PR targets"),
    handoff_state: nonBlank.nullable().default(null).describe("Move the issue here once the PR is open"),
    attempts: positiveInt().default(3),
    retry_delay_ms: positiveInt().default(10_000),
    timeout_ms: positiveInt().default(120_000),
  })
  .nullable()
  .default(null);

/** Resolves the parsed section: `$VAR` token (recorded as a secret), API URL checked. */
export function buildPublishSettings(
  raw: z.output<typeof publishSchema>,
  env: NodeJS.ProcessEnv,
  secrets: string[],
  errors: WorkflowError[],
): PublishSettings | null {
  if (raw === null) return null;
  const token = resolveOptionalSecret(raw.token, env, secrets);
  if (token === null) {
    errors.push(
      configError("publish.token", "is missing: set the variable it names", "missing_tracker_secret"),
    );
  }
  const apiUrl = parseApiUrl(raw.api_url ?? DEFAULT_API[raw.forge], "publish.api_url", errors);
  if (raw.forge === "github" && !/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(raw.repo)) {
    errors.push(configError("publish.repo", "must be owner/repo for GitHub"));
  }
  if (raw.remote !== null && /^[a-z+]+:\/\/[^/@]*@/i.test(raw.remote)) {
    errors.push(
      configError("publish.remote", "must not contain credentials (the token is given to git separately)"),
    );
  }
  if (token === null || apiUrl === undefined) return null;
  return {
    forge: raw.forge,
    token,
    apiUrl,
    repo: raw.repo,
    remote: raw.remote,
    base: raw.base,
    handoffState: raw.handoff_state,
    attempts: raw.attempts,
    retryDelayMs: raw.retry_delay_ms,
    timeoutMs: raw.timeout_ms,
  };
}
