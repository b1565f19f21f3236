import { describe, expect, it } from "vitest";
import { agentConfigProblems } from "../../src/agent/validate.js";
import { buildServiceConfig } from "../../src/config/build-config.js";
import { chooseProfile, configForIssue } from "../../src/config/profiles.js";
import type { ServiceConfig } from "../../src/config/types.js";
import { BACKENDS, CONFIG_KINDS } from "../../src/kinds.js";
import { makeIssue } from "../support/issues.js";

function build(raw: Record<string, unknown>) {
  return buildServiceConfig(
    { tracker: { kind: "memory" }, command: { run: "true" }, agent: { backend: "command" }, ...raw },
    {
      workflowPath: "/srv/flow/WORKFLOW.md",
      env: { ANTHROPIC_API_KEY: "sk-secret-value" },
      kinds: CONFIG_KINDS,
    },
  );
}

function config(raw: Record<string, unknown>): ServiceConfig {
  const built = build(raw);
  if (!built.ok) throw new Error(JSON.stringify(built.error));
  return built.value;
}

describe("profiles: (agent backend per issue)", () => {
  const profiles = {
    claude: {
      backend: "claude",
      claude: { permission_mode: "acceptEdits", env_passthrough: ["ANTHROPIC_API_KEY"] },
    },
    gemini: {
      backend: "acp",
      labels: ["Gemini", "use-gemini"],
      states: ["Review"],
      acp: { command: "gemini --experimental-acp" },
    },
  };

  it("resolves each profile's backend section: the top-level section with the profile's keys laid over it", () => {
    const c = config({ claude: { model: "claude-sonnet-4-5" }, profiles });
    expect(c.profiles.map((p) => [p.name, p.backend, p.section, p.labels, p.states])).toEqual([
      ["claude", "claude", "claude", ["agent:claude"], []],
      ["gemini", "acp", "acp", ["gemini", "use-gemini"], ["review"]],
    ]);
    expect(c.profiles[0]?.settings).toMatchObject({
      model: "claude-sonnet-4-5",
      permissionMode: "acceptEdits",
      envPassthrough: ["ANTHROPIC_API_KEY"],
    });
    // the top-level section is untouched, and a profile's passthrough values are redacted like any other
    expect(c.claude.permissionMode).toBe("default");
    expect(c.secretValues).toContain("sk-secret-value");
  });

  it.each([
    [{ x: { backend: "nope" } }, "profiles.x.backend", /must be one of codex, builtin, command, claude, acp/],
    [{ x: { backend: "acp" } }, "profiles.x.acp.command", /is required when agent.backend is acp/],
    [
      { x: { backend: "claude", claude: { permission_mode: "yolo" } } },
      "profiles.x.claude.permission_mode",
      /must be one of/,
    ],
    [{ x: { backend: "claude", codex: {} } }, "profiles.x.codex", /is not a profile key/],
    [{ "bad name": { backend: "claude" } }, "profiles.bad name", /profile name \(letters, digits/],
  ])("refuses %j at %s", (value, key, message) => {
    const built = build({ profiles: value });
    expect(built.ok).toBe(false);
    if (built.ok) return;
    expect(built.error).toEqual(
      expect.arrayContaining([expect.objectContaining({ key, message: expect.stringMatching(message) })]),
    );
  });

  it.each([
    [["agent:claude"], "Todo", "claude", "claude"],
    [["AGENT:Claude "], "Todo", "claude", "claude"],
    [["use-gemini"], "Todo", "gemini", "acp"],
    [[], "review", "gemini", "acp"],
    // a label beats a state
    [["agent:claude"], "Review", "claude", "claude"],
    [["other"], "Todo", null, "command"],
  ])("labels %j in state %s run profile %s on backend %s", (labels, state, profile, backend) => {
    const c = config({ profiles });
    const issue = makeIssue({ labels, state });
    expect(chooseProfile(c, issue)).toEqual({ profile, backend });
    const derived = configForIssue(c, issue).config;
    expect(derived.agent.backend).toBe(backend);
    if (profile === "claude") expect(derived.claude.permissionMode).toBe("acceptEdits");
    if (profile === "gemini") expect(derived.acp.command).toBe("gemini --experimental-acp");
  });
});

describe("profiles in the dispatch preflight", () => {
  it("checks each profile's backend under its own config, keyed under profiles.<name>", () => {
    const c = config({
      worker: { ssh_hosts: ["build@worker-1"] },
      profiles: { claude: { backend: "claude" } },
    });
    expect(agentConfigProblems(c, BACKENDS)).toEqual([
      expect.objectContaining({
        key: "profiles.claude.agent.backend",
        rule: "local_tools",
        severity: "warning",
      }),
    ]);
  });
});
