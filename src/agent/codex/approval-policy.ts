import type { CodexConfig } from "../../config/types.js";
import { err, ok, type Result } from "../../domain/result.js";
import type { AskForApproval } from "./protocol.js";

const PRESETS = ["untrusted", "on-request", "never"] as const;
const SANDBOXES = ["read-only", "workspace-write", "danger-full-access"] as const;
const REQUIRED_FLAGS = ["sandbox_approval", "rules", "mcp_elicitations"] as const;
const OPTIONAL_FLAGS = ["request_permissions", "skill_approval"] as const;
const ALL_FLAGS: readonly string[] = [...REQUIRED_FLAGS, ...OPTIONAL_FLAGS];

/**
 * Turns a configured `codex.approval_policy` into an `AskForApproval` valid for codex 0.169.0.
 * The Elixir-era `{reject: {flag: true}}` ("auto-reject this prompt category") is translated to
 * `{granular: {flag: false}}`: in granular form `true` means codex may ask, `false` means it auto-rejects
 * (verified against the binary: `sandbox_approval: false` made codex refuse an escalation without asking).
 * `on-failure` (removed from codex) and anything else are refused with what to write instead.
 */
export function normaliseApprovalPolicy(value: unknown): Result<AskForApproval, string> {
  if (typeof value === "string") {
    if ((PRESETS as readonly string[]).includes(value)) return ok(value as (typeof PRESETS)[number]);
    return err(
      `codex.approval_policy ${JSON.stringify(value)} is not accepted by codex 0.169.0; ` +
        `write one of "untrusted", "on-request", "never", or {granular: {sandbox_approval, rules, mcp_elicitations}}`,
    );
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return err(`codex.approval_policy must be a string or a map, got ${JSON.stringify(value)}`);
  }
  const map = value as Record<string, unknown>;
  const keys = Object.keys(map);
  if (keys.length !== 1 || (keys[0] !== "reject" && keys[0] !== "granular")) {
    return err(
      `codex.approval_policy map must have exactly one key, "granular" (or the legacy "reject"), got ${JSON.stringify(keys)}`,
    );
  }
  const kind = keys[0] as "reject" | "granular";
  const flags = flagsOf(map[kind], kind);
  if (!flags.ok) return flags;
  if (kind === "granular") {
    for (const f of REQUIRED_FLAGS) {
      if (flags.value[f] === undefined) {
        return err(
          `codex.approval_policy.granular.${f} is required (true = codex may ask, false = auto-reject)`,
        );
      }
    }
    return ok({ granular: flags.value as AskForApprovalGranular });
  }
  // reject: true means "auto-reject prompts of this kind", which granular spells as false
  const granular: Record<string, boolean> = {};
  for (const f of ALL_FLAGS) {
    const rejected = flags.value[f];
    if (rejected !== undefined || (REQUIRED_FLAGS as readonly string[]).includes(f)) {
      granular[f] = rejected !== true;
    }
  }
  return ok({ granular: granular as AskForApprovalGranular });
}

type AskForApprovalGranular = Extract<AskForApproval, { granular: unknown }>["granular"];

function flagsOf(raw: unknown, kind: string): Result<Record<string, boolean>, string> {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return err(`codex.approval_policy.${kind} must be a map of booleans, got ${JSON.stringify(raw)}`);
  }
  const out: Record<string, boolean> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (!ALL_FLAGS.includes(k)) {
      return err(`codex.approval_policy.${kind}.${k} is not a known flag; known: ${ALL_FLAGS.join(", ")}`);
    }
    if (typeof v !== "boolean") {
      return err(`codex.approval_policy.${kind}.${k} must be true or false, got ${JSON.stringify(v)}`);
    }
    out[k] = v;
  }
  return ok(out);
}

/** True only for the `never` preset: the one policy under which approvals are auto-accepted for the session. */
export function autoApproves(policy: AskForApproval): boolean {
  return policy === "never";
}

/** Problems in a `codex:` config for the pinned codex (empty when valid); for `symphony validate`. */
export function validateCodexConfig(config: CodexConfig): string[] {
  const problems: string[] = [];
  if (config.command.trim() === "") problems.push("codex.command must not be blank");
  const policy = normaliseApprovalPolicy(config.approvalPolicy);
  if (!policy.ok) problems.push(policy.error);
  if (!(SANDBOXES as readonly string[]).includes(config.threadSandbox)) {
    problems.push(
      `codex.thread_sandbox must be one of ${SANDBOXES.join(", ")}, got ${JSON.stringify(config.threadSandbox)}`,
    );
  }
  const turn = config.turnSandboxPolicy;
  if (turn !== null) {
    const types = ["dangerFullAccess", "readOnly", "externalSandbox", "workspaceWrite"];
    if (typeof turn.type !== "string" || !types.includes(turn.type)) {
      problems.push(
        `codex.turn_sandbox_policy.type must be one of ${types.join(", ")}, got ${JSON.stringify(turn.type)}`,
      );
    }
  }
  for (const [key, value] of [
    ["turn_timeout_ms", config.turnTimeoutMs],
    ["read_timeout_ms", config.readTimeoutMs],
  ] as const) {
    if (!Number.isInteger(value) || value <= 0) {
      problems.push(`codex.${key} must be a positive integer, got ${JSON.stringify(value)}`);
    }
  }
  return problems;
}
