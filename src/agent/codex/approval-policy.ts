import { type ConfigProblem, problem, warning } from "../../domain/config-problem.js";
import { err, ok, type Result } from "../../domain/result.js";
import type { AskForApproval } from "./protocol.js";
import type { CodexConfig } from "./settings.js";

// The values codex 0.169.0 documents; newer codex versions may add more, which pass through with a warning
// (spec 5.3.6: codex option values are the targeted codex's, not ours to close).
const PRESETS = ["untrusted", "on-request", "never"] as const;
const SANDBOXES = ["read-only", "workspace-write", "danger-full-access"] as const;
const TURN_SANDBOX_TYPES = ["dangerFullAccess", "readOnly", "externalSandbox", "workspaceWrite"] as const;
const REQUIRED_FLAGS = ["sandbox_approval", "rules", "mcp_elicitations"] as const;
const OPTIONAL_FLAGS = ["request_permissions", "skill_approval"] as const;
const ALL_FLAGS: readonly string[] = [...REQUIRED_FLAGS, ...OPTIONAL_FLAGS];
const KEY = "codex.approval_policy";

/**
 * Turns a configured `codex.approval_policy` into the `AskForApproval` sent to codex.
 * A string passes through unchanged (unknown strings are warned about by {@link validateCodexConfig}).
 * The Elixir-era `{reject: {flag: true}}` ("auto-reject this prompt category") is translated to
 * `{granular: {flag: false}}`: in granular form `true` means codex may ask, `false` means it auto-rejects
 * (verified against the binary: `sandbox_approval: false` made codex refuse an escalation without asking).
 * Maps of the wrong shape are refused with what to write instead.
 */
export function normaliseApprovalPolicy(value: unknown): Result<AskForApproval, ConfigProblem> {
  if (typeof value === "string") return ok(value as AskForApproval);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return err(problem(KEY, "type", `must be a string or a map, got ${JSON.stringify(value)}`));
  }
  const map = value as Record<string, unknown>;
  const keys = Object.keys(map);
  if (keys.length !== 1 || (keys[0] !== "reject" && keys[0] !== "granular")) {
    return err(
      problem(
        KEY,
        "one_key",
        `map must have exactly one key, "granular" (or the legacy "reject"), got ${JSON.stringify(keys)}`,
      ),
    );
  }
  const kind = keys[0] as "reject" | "granular";
  const flags = flagsOf(map[kind], kind);
  if (!flags.ok) return flags;
  if (kind === "granular") {
    for (const f of REQUIRED_FLAGS) {
      if (flags.value[f] === undefined) {
        return err(
          problem(
            `${KEY}.granular.${f}`,
            "required",
            "is required (true = codex may ask, false = auto-reject)",
          ),
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

function flagsOf(raw: unknown, kind: string): Result<Record<string, boolean>, ConfigProblem> {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return err(problem(`${KEY}.${kind}`, "type", `must be a map of booleans, got ${JSON.stringify(raw)}`));
  }
  const out: Record<string, boolean> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (!ALL_FLAGS.includes(k)) {
      return err(
        problem(`${KEY}.${kind}.${k}`, "known_flag", `is not a known flag; known: ${ALL_FLAGS.join(", ")}`),
      );
    }
    if (typeof v !== "boolean") {
      return err(problem(`${KEY}.${kind}.${k}`, "type", `must be true or false, got ${JSON.stringify(v)}`));
    }
    out[k] = v;
  }
  return ok(out);
}

/** True only for the `never` preset: the one policy under which approvals are auto-accepted for the session. */
export function autoApproves(policy: AskForApproval): boolean {
  return policy === "never";
}

function unknownValue(key: string, value: string, known: readonly string[]): ConfigProblem {
  return warning(
    key,
    "known_value",
    `${JSON.stringify(value)} is not a value codex 0.169.0 knows (${known.join(", ")}); passed through unchanged`,
    JSON.stringify(value),
  );
}

/**
 * Problems in a `codex:` section (empty when valid): shapes are errors; string values the pinned codex
 * does not list are warnings and pass through, so a newer codex's values do not stop startup.
 */
export function validateCodexConfig(config: CodexConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const policy = normaliseApprovalPolicy(config.approvalPolicy);
  if (!policy.ok) problems.push(policy.error);
  else if (
    typeof config.approvalPolicy === "string" &&
    !(PRESETS as readonly string[]).includes(config.approvalPolicy)
  ) {
    problems.push(unknownValue(KEY, config.approvalPolicy, PRESETS));
  }
  if (!(SANDBOXES as readonly string[]).includes(config.threadSandbox)) {
    problems.push(unknownValue("codex.thread_sandbox", config.threadSandbox, SANDBOXES));
  }
  const turn = config.turnSandboxPolicy;
  if (turn !== null) {
    if (typeof turn.type !== "string") {
      problems.push(
        problem(
          "codex.turn_sandbox_policy.type",
          "type",
          `must be a string, got ${JSON.stringify(turn.type)}`,
        ),
      );
    } else if (!(TURN_SANDBOX_TYPES as readonly string[]).includes(turn.type)) {
      problems.push(unknownValue("codex.turn_sandbox_policy.type", turn.type, TURN_SANDBOX_TYPES));
    }
  }
  return problems;
}
