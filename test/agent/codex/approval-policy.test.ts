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

  it.each([
    ["on-failure", /not accepted by codex 0\.169\.0; write one of "untrusted", "on-request", "never"/],
    [42, /must be a string or a map, got 42/],
    [{ granular: { rules: true } }, /granular\.sandbox_approval is required/],
    [{ reject: { sandbox_approval: "yes" } }, /reject\.sandbox_approval must be true or false, got "yes"/],
    [{ reject: { bogus: true } }, /reject\.bogus is not a known flag/],
    [{ reject: {}, granular: {} }, /exactly one key/],
  ])("refuses %j with a message that says what to write", (input, message) => {
    const result = normaliseApprovalPolicy(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(message);
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

  it("reports each problem with the offending value", () => {
    const problems = validateCodexConfig(
      testCodexConfig({
        command: " ",
        approvalPolicy: "on-failure",
        threadSandbox: "workspace",
        turnSandboxPolicy: { type: "workspace_write" },
        readTimeoutMs: 0,
      }),
    );
    expect(problems).toEqual([
      "codex.command must not be blank",
      expect.stringMatching(/approval_policy "on-failure"/),
      'codex.thread_sandbox must be one of read-only, workspace-write, danger-full-access, got "workspace"',
      expect.stringMatching(/turn_sandbox_policy.type must be one of .*got "workspace_write"/),
      "codex.read_timeout_ms must be a positive integer, got 0",
    ]);
  });
});
