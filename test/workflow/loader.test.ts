import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  createLoadedWorkflow,
  loadWorkflow,
  loadWorkflowText,
  resolveWorkflowPath,
} from "../../src/workflow/loader.js";
import { DEFAULT_PROMPT_TEMPLATE } from "../../src/workflow/prompt.js";
import { SAMPLE_ISSUE } from "../../src/workflow/prompt-context.js";
import { tempDirPerTest } from "../support/temp-dir.js";
import { buildConfig, writeWorkflow } from "../support/workflow-fixtures.js";

const tmp = tempDirPerTest();

describe("workflow path (spec 5.1)", () => {
  it("17.1: explicit runtime path is used when provided", () => {
    expect(resolveWorkflowPath("conf/FLOW.md", "/repo")).toBe("/repo/conf/FLOW.md");
    expect(resolveWorkflowPath("/abs/W.md", "/repo")).toBe("/abs/W.md");
  });

  it("17.1: cwd default is WORKFLOW.md when no explicit runtime path is provided", () => {
    expect(resolveWorkflowPath(undefined, "/repo")).toBe("/repo/WORKFLOW.md");
    expect(resolveWorkflowPath("", "/repo")).toBe("/repo/WORKFLOW.md");
  });
});

describe("loading", () => {
  it("loads front matter and a trimmed body", () => {
    const path = writeWorkflow(
      tmp.path,
      "tracker:\n  kind: memory\npolling:\n  interval_ms: 1000",
      "\n\n  Do {{ issue.identifier }}  \n\n",
    );
    const r = loadWorkflow(path);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.config.polling.intervalMs).toBe(1000);
    expect(r.value.promptTemplate).toBe("Do {{ issue.identifier }}");
    expect(r.value.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(r.value.render(SAMPLE_ISSUE, null)).toEqual({ ok: true, value: "Do SAMPLE-1" });
  });

  it("17.1: missing WORKFLOW.md returns a typed error", () => {
    const r = loadWorkflow(join(tmp.path, "nope.md"));
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.error[0]).toMatchObject({ code: "missing_workflow_file", path: join(tmp.path, "nope.md") });
  });

  it("17.1: invalid YAML front matter returns a typed error with line and column", () => {
    writeFileSync(
      join(tmp.path, "W.md"),
      "---\ntracker:\n  kind: memory\n  active_states: [Todo\n---\nbody\n",
    );
    const r = loadWorkflow(join(tmp.path, "W.md"));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error[0]?.code).toBe("workflow_parse_error");
    expect(r.error[0]?.line).toBeGreaterThanOrEqual(4);
    expect(r.error[0]?.column).toBeGreaterThanOrEqual(1);
  });

  it("17.1: front matter that is not a map returns a typed error", () => {
    writeFileSync(join(tmp.path, "W.md"), "---\n- a\n- b\n---\nbody\n");
    const r = loadWorkflow(join(tmp.path, "W.md"));
    expect(!r.ok && r.error[0]?.code).toBe("workflow_front_matter_not_a_map");
    writeFileSync(join(tmp.path, "S.md"), "---\njust a string\n---\nbody\n");
    const s = loadWorkflow(join(tmp.path, "S.md"));
    expect(!s.ok && s.error[0]?.code).toBe("workflow_front_matter_not_a_map");
  });

  it("a file without front matter is all prompt with an empty config (tracker.kind then missing)", () => {
    const r = loadWorkflowText("Just a prompt {{ issue.title }}\n", join(tmp.path, "W.md"));
    expect(!r.ok && r.error.map((e) => e.code)).toEqual(["unsupported_tracker_kind"]);
  });

  it("CRLF line endings are accepted", () => {
    const text = "---\r\ntracker:\r\n  kind: memory\r\n---\r\nHello {{ issue.title }}\r\n";
    const r = loadWorkflowText(text, join(tmp.path, "W.md"));
    expect(r.ok && r.value.promptTemplate).toBe("Hello {{ issue.title }}");
  });

  it("unterminated front matter is all YAML and the prompt is the default", () => {
    const r = loadWorkflowText("---\ntracker:\n  kind: memory\n", join(tmp.path, "W.md"));
    expect(r.ok && r.value.promptTemplate).toBe(DEFAULT_PROMPT_TEMPLATE);
  });

  it("5.4: an empty body uses the default prompt", () => {
    const r = loadWorkflow(writeWorkflow(tmp.path, { tracker: { kind: "memory" } }, "   \n"));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const out = r.value.render({ ...SAMPLE_ISSUE, description: null }, null);
    expect(out.ok && out.value).toContain("You are working on an issue from the configured tracker.");
    expect(out.ok && out.value).toContain("No description provided.");
  });

  it("config errors carry the file line and column of the offending value", () => {
    const path = writeWorkflow(tmp.path, "tracker:\n  kind: memory\nagent:\n  max_turns: -2\n", "x");
    const r = loadWorkflow(path);
    expect(!r.ok && r.error[0]).toMatchObject({
      code: "invalid_workflow_config",
      key: "agent.max_turns",
      line: 5,
      column: 14,
    });
  });

  it("flat-key provider errors point at the flat key's line", () => {
    const path = writeWorkflow(tmp.path, "tracker:\n  kind: local\n  path: 7\n", "x");
    const r = loadWorkflow(path);
    expect(!r.ok && r.error[0]).toMatchObject({ key: "tracker.provider.path", line: 4 });
  });

  it("config and template problems are all reported together", () => {
    const path = writeWorkflow(
      tmp.path,
      "tracker:\n  kind: memory\nagent:\n  max_turns: 0\n",
      "{{ issue.title | nope }}",
    );
    const r = loadWorkflow(path);
    expect(!r.ok && r.error.map((e) => e.code)).toEqual(["invalid_workflow_config", "template_parse_error"]);
  });

  it("a directory path is a missing_workflow_file error", () => {
    mkdirSync(join(tmp.path, "W.md"));
    const r = loadWorkflow(join(tmp.path, "W.md"));
    expect(!r.ok && r.error[0]?.code).toBe("missing_workflow_file");
  });

  it("createLoadedWorkflow builds a workflow from a config and template", () => {
    const config = buildConfig({}, tmp.path);
    const r = createLoadedWorkflow(config, "T {{ attempt }}", "h");
    expect(r.ok && r.value.render(SAMPLE_ISSUE, 2)).toEqual({ ok: true, value: "T 2" });
    const bad = createLoadedWorkflow(config, "{% include 'x' %}", "h");
    expect(!bad.ok && bad.error.code).toBe("template_parse_error");
  });
});
