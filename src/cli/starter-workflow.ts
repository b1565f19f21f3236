/** The commented starter WORKFLOW.md written by `symphony init` (it validates as is). */
export const STARTER_WORKFLOW = `---
# Symphony workflow: the front matter configures the service, the Markdown body is the prompt.
# Reference: docs/configuration.md. JSON Schema for editors: \`symphony schema > workflow.schema.json\`.

tracker:
  # memory | local | linear | github | gitlab | jira | asana
  kind: local
  provider:
    # One Markdown file per issue; relative paths resolve against this file's directory.
    path: ./issues
  active_states: [Todo, In Progress]
  terminal_states: [Done, Closed, Cancelled, Canceled, Duplicate]
  # required_labels: [symphony]

polling:
  interval_ms: 30000

workspace:
  # Each issue gets <root>/<identifier>. \`~\` and \`$VAR\` are expanded.
  root: ./.symphony/workspaces

hooks:
  # after_create: |
  #   git clone --depth 1 "$REPO_URL" .
  # before_run: git pull --ff-only
  timeout_ms: 60000

agent:
  # codex | builtin | command
  backend: codex
  max_concurrent_agents: 2
  max_turns: 20
  max_retry_backoff_ms: 300000
  # max_concurrent_agents_by_state:
  #   in progress: 1

codex:
  command: codex app-server
  # codex refuses sandbox escalations itself; \`never\` auto-approves everything (trusted hosts only)
  approval_policy:
    granular: { sandbox_approval: false, rules: false, mcp_elicitations: false }
  # env_passthrough: [OPENAI_API_KEY]   # when codex authenticates with an API key instead of \`codex login\`
  thread_sandbox: workspace-write
  turn_timeout_ms: 3600000
  stall_timeout_ms: 300000

# server:
#   port: 4000          # HTTP API and dashboard; or pass --port
#   host: 127.0.0.1
---
You are working on issue {{ issue.identifier }}: {{ issue.title }}.

{% if issue.description %}{{ issue.description }}{% else %}No description provided.{% endif %}

{% if attempt %}This is attempt {{ attempt }}: resume from the current workspace state.{% endif %}
Work in the current directory.

Hand-off state: Human Review
When the work is done, hand the issue off: call the \`update_issue\` tool with
\`{"state": "Human Review", "comment": "<what you changed and how to check it>"}\`.
Symphony keeps working on an issue while it is in Todo or In Progress, so an issue you do not move
is picked up again. If you are blocked, still move it to Human Review and say why in the comment.
`;

/** The sample issue `symphony init` writes into the local tracker's folder (`issues/DEMO-1.md`). */
export const STARTER_ISSUE = `---
title: Write a hello-world README
state: Todo
priority: 1
labels: [docs]
---
Create README.md in the workspace with one paragraph saying what this project is. Then hand the
issue off as the prompt describes.
`;
