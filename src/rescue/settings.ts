import { z } from "zod";

/** `workspace.rescue:` — saving an agent's unsaved work before its workspace is removed. */
export interface RescueSettings {
  /** Off only when written `enabled: false`; then workspaces are removed as the spec describes. */
  readonly enabled: boolean;
  /** Where bundles/archives and their records are kept (absolute). */
  readonly dir: string;
  /** Also push the rescue branch to the workspace's `origin`. */
  readonly push: boolean;
  /** A rescue larger than this fails, and the workspace is kept instead. */
  readonly maxBytes: number;
  /** Rescues older than this many days are deleted at start-up. */
  readonly retentionDays: number;
}

const positive = z
  .number({ error: "must be a positive number" })
  .positive({ error: "must be a positive number" });

/** The zod schema of `workspace.rescue` (snake_case, defaults applied; `dir` resolved by config). */
export const rescueSchema = z
  .object({
    enabled: z.boolean({ error: "must be true or false" }).default(true),
    dir: z
      .string({ error: "must be a path" })
      .trim()
      .min(1)
      .optional()
      .describe("Default: <data dir>/rescue"),
    push: z.boolean({ error: "must be true or false" }).default(false),
    max_bytes: positive.default(512 * 1024 * 1024),
    retention_days: positive.default(30),
  })
  .strict()
  .prefault({});

const gcLimit = z.union([z.literal("unlimited"), positive], {
  error: "must be a positive number or the word unlimited",
});

/** The zod schema of `workspace.gc` (kept workspaces on the local host). */
export const workspaceGcSchema = z
  .object({
    max_age_days: gcLimit
      .default(14)
      .describe("Kept workspaces untouched this long are removed (rescued first)"),
    max_total_bytes: gcLimit
      .default(20 * 1024 ** 3)
      .describe("Above this total, the oldest kept workspaces are removed (rescued first)"),
  })
  .strict()
  .prefault({});

/** The default rescue settings, keeping rescues in `dir`. */
export function defaultRescueSettings(dir: string): RescueSettings {
  return { enabled: true, dir, push: false, maxBytes: 512 * 1024 * 1024, retentionDays: 30 };
}
