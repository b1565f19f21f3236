import { describe, expect, it } from "vitest";
import {
  autoApproves,
  normaliseApprovalPolicy,
  validateCodexConfig,
} from "../../../src/agent/codex/approval-policy.js";
import { testCodexConfig } from "../../support/codex-harness.js";

describe("normaliseApprovalPolicy", () => {
  it.each([
    ["never", "never"],
    ["on-request", "on-request"],
    ["untrusted", "untrusted"],
  ])("accepts the preset %s unchanged", (input, expected) => {
    expect(normaliseApprovalPolicy(input)).toEqual({ ok: true, value: expected });
  });

  it("translates the Elixir default reject map to granular with inverted flags (true = auto-reject → false)", () => {
    expect(
      normaliseApprovalPolicy({ reject: { sandbox_approval: true, rules: true, mcp_elicitations: true } }),
    ).toEqual({
      ok: true,
      value: { granular: { sandbox_approval: false, rules: false, mcp_elicitations: false } },
    });
  });

  it("fills flags a reject map leaves out as 'may ask' and keeps optional ones it names", () => {
    expect(normaliseApprovalPolicy({ reject: { rules: true, skill_approval: true } })).toEqual({
      ok: true,
      value: {
        granular: { sandbox_approval: true, rules: false, mcp_elicitations: true, skill_approval: false },
      },
    });
  });

  it("passes a complete granular map through", () => {
    const granular = {
      sandbox_approval: false,
      rules: true,
      mcp_elicitations: false,
      request_permissions: false,
    };
    expect(normaliseApprovalPolicy({ granular })).toEqual({ ok: true, value: { granular } });
  });

  it("passes a string codex 0.169.0 does not list through unchanged (spec 5.3.6)", () => {
    expect(normaliseApprovalPolicy("on-failure")).toEqual({ ok: true, value: "on-failure" });
  });

  it.each([
    [42, "codex.approval_policy", /must be a string or a map, got 42/],
    [{ granular: { rules: true } }, "codex.approval_policy.granular.sandbox_approval", /is required/],
    [
      { reject: { sandbox_approval: "yes" } },
      "codex.approval_policy.reject.sandbox_approval",
      /must be true or false, got "yes"/,
    ],
    [{ reject: { bogus: true } }, "codex.approval_policy.reject.bogus", /is not a known flag/],
    [{ reject: {}, granular: {} }, "codex.approval_policy", /exactly one key/],
  ])("refuses the malformed shape %j, keyed by the offending key", (input, key, message) => {
    const result = normaliseApprovalPolicy(input);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.key).toBe(key);
      expect(result.error.severity).toBe("error");
      expect(result.error.message).toMatch(message);
    }
  });

  it("auto-approves only under never", () => {
    expect(autoApproves("never")).toBe(true);
    expect(autoApproves("on-request")).toBe(false);
    expect(autoApproves({ granular: { sandbox_approval: true, rules: true, mcp_elicitations: true } })).toBe(
      false,
    );
  });
});

describe("validateCodexConfig", () => {
  it("finds no problems in a valid config", () => {
    expect(validateCodexConfig(testCodexConfig())).toEqual([]);
  });

  it("values the pinned codex does not list are warnings that pass through, not errors (#19)", () => {
    const problems = validateCodexConfig(
      testCodexConfig({
        approvalPolicy: "on-failure",
        threadSandbox: "workspace",
        turnSandboxPolicy: { type: "workspace_write" },
      }),
    );
    expect(problems.map((p) => [p.key, p.severity, p.got])).toEqual([
      ["codex.approval_policy", "warning", '"on-failure"'],
      ["codex.thread_sandbox", "warning", '"workspace"'],
      ["codex.turn_sandbox_policy.type", "warning", '"workspace_write"'],
    ]);
    expect(problems[1]?.message).toMatch(
      /not a value codex 0\.169\.0 knows \(read-only, workspace-write, danger-full-access\); passed through/,
    );
  });

  it("shapes are still errors: a malformed policy map or a non-string sandbox type", () => {
    const problems = validateCodexConfig(
      testCodexConfig({ approvalPolicy: { granular: {} }, turnSandboxPolicy: { type: 7 } }),
    );
    expect(problems.map((p) => [p.key, p.severity])).toEqual([
      ["codex.approval_policy.granular.sandbox_approval", "error"],
      ["codex.turn_sandbox_policy.type", "error"],
    ]);
  });
});
