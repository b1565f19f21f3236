import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { LinearTrackerSettings } from "../../src/tracker/linear/config.js";
import { loadWorkflow } from "../../src/workflow/loader.js";
import { SAMPLE_ISSUE } from "../../src/workflow/prompt-context.js";
import { tempDirPerTest } from "../support/temp-dir.js";

// Written the way WORKFLOW.md files for OpenAI's Elixir implementation are: flat Linear keys, a `$VAR`
// key, a reject-map approval policy, a codex command with shell quoting, extension sections we do not
// implement, and a prompt that uses snake_case issue fields and `attempt`.
const ELIXIR_STYLE = `---
tracker:
  kind: linear
  api_key: $LINEAR_API_KEY
  project_slug: "symphony-0c79b11b75ea"
  active_states:
    - Todo
    - In Progress
    - Merging
    - Rework
  terminal_states: [Closed, Cancelled, Canceled, Duplicate, Done]
polling:
  interval_ms: 5000
workspace:
  root: ~/code/symphony-workspaces
hooks:
  after_create: |
    git clone --depth 1 https://example.invalid/repo.git .
  before_remove: |
    echo "cleaning up"
agent:
  max_concurrent_agents: 10
  max_turns: 20
  max_concurrent_agents_by_state:
    Merging: 1
codex:
  command: codex --config shell_environment_policy.inherit=all --config 'model="gpt-5.5"' app-server
  approval_policy:
    reject:
      sandbox_approval: true
      rules: true
      mcp_elicitations: true
  thread_sandbox: workspace-write
  turn_sandbox_policy:
    type: workspaceWrite
    networkAccess: true
observability:
  dashboard_enabled: true
  refresh_ms: 1000
server:
  port: 4000
---

You are working on Linear ticket \`{{ issue.identifier }}\`.

{% if attempt %}
Continuation context: this is retry attempt #{{ attempt }}. Resume from the current workspace state.
{% endif %}

Issue context:
Identifier: {{ issue.identifier }}
Title: {{ issue.title }}
Current status: {{ issue.state }}
Labels: {{ issue.labels }}
URL: {{ issue.url }}

Description:
{% if issue.description %}
{{ issue.description }}
{% else %}
No description provided.
{% endif %}
{% for blocker in issue.blocked_by %}- blocked by {{ blocker.identifier }} ({{ blocker.state }})
{% endfor %}
`;

const tmp = tempDirPerTest();

describe("compatibility with WORKFLOW.md files written for the Elixir implementation", () => {
  it("loads unchanged: flat Linear keys, pass-through codex policies, unknown sections ignored", () => {
    const path = join(tmp.path, "WORKFLOW.md");
    writeFileSync(path, ELIXIR_STYLE);
    const loaded = loadWorkflow(path, { env: { LINEAR_API_KEY: "lin_api_123456", HOME: "/home/op" } });
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.error));
    const { config } = loaded.value;
    const linear = config.tracker.provider as unknown as LinearTrackerSettings;
    expect(linear).toMatchObject({
      apiKey: "lin_api_123456",
      projectSlug: "symphony-0c79b11b75ea",
      endpoint: "https://api.linear.app/graphql",
      secretEnvNames: ["LINEAR_API_KEY"],
    });
    expect(config.tracker.activeStates).toEqual(["Todo", "In Progress", "Merging", "Rework"]);
    expect(config.workspace.root).toBe("/home/op/code/symphony-workspaces");
    expect(config.agent.maxConcurrentAgentsByState).toEqual({ merging: 1 });
    expect(config.codex.command).toBe(
      "codex --config shell_environment_policy.inherit=all --config 'model=\"gpt-5.5\"' app-server",
    );
    expect(config.codex.approvalPolicy).toEqual({
      reject: { sandbox_approval: true, rules: true, mcp_elicitations: true },
    });
    expect(config.codex.turnSandboxPolicy).toEqual({ type: "workspaceWrite", networkAccess: true });
    expect(config.server.port).toBe(4000);
    expect(config.secretValues).toEqual(["lin_api_123456"]);

    const first = loaded.value.render(SAMPLE_ISSUE, null);
    const retry = loaded.value.render(SAMPLE_ISSUE, 2);
    expect(first.ok && first.value).toContain("You are working on Linear ticket `SAMPLE-1`.");
    expect(first.ok && first.value).not.toContain("Continuation context");
    expect(retry.ok && retry.value).toContain("this is retry attempt #2");
    expect(first.ok && first.value).toContain("- blocked by SAMPLE-0 (Done)");
  });
});
