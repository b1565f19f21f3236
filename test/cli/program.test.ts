import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { packageVersion, runCli } from "../../src/cli/program.js";
import { STARTER_WORKFLOW } from "../../src/cli/starter-workflow.js";
import { captureIo } from "../support/cli-io.js";
import { tempDirPerTest } from "../support/temp-dir.js";
import { writeWorkflow } from "../support/workflow-fixtures.js";

const tmp = tempDirPerTest();

describe("symphony validate", () => {
  it("exits 0 on the starter file written by symphony init", async () => {
    const io = captureIo(tmp.path);
    expect(await runCli(["init"], io)).toBe(0);
    expect(readFileSync(join(tmp.path, "WORKFLOW.md"), "utf8")).toBe(STARTER_WORKFLOW);
    expect(await runCli(["validate"], io)).toBe(0);
    expect(io.out()).toContain(`${join(tmp.path, "WORKFLOW.md")}: ok`);
  });

  it("prints every problem as file:line:col key: message with the code, and exits non-zero", async () => {
    const path = writeWorkflow(
      tmp.path,
      "tracker:\n  kind: memory\nagent:\n  max_turns: 0\n  max_concurrent_agents: x\n",
      "hi",
    );
    const io = captureIo(tmp.path);
    expect(await runCli(["validate", path], io)).toBe(1);
    const lines = io.err().trim().split("\n");
    expect(lines).toContain(
      `${path}:5:14 agent.max_turns: must be a positive integer, got 0 (invalid_workflow_config)`,
    );
    expect(lines.some((l) => l.startsWith(`${path}:6:26 agent.max_concurrent_agents:`))).toBe(true);
    expect(lines.at(-1)).toBe("2 problems found");
  });

  it("renders the prompt for a sample issue: an unknown variable is a template_render_error", async () => {
    const path = writeWorkflow(tmp.path, "tracker:\n  kind: memory\n", "Hello\n{{ issue.missing_field }}");
    const io = captureIo(tmp.path);
    expect(await runCli(["validate", path], io)).toBe(1);
    expect(io.err()).toMatch(/WORKFLOW\.md:6:\d+: .*\(template_render_error\)/);
  });

  it("checks the agent backend's settings: a malformed codex approval policy map fails, naming its key", async () => {
    const path = writeWorkflow(
      tmp.path,
      "tracker:\n  kind: memory\ncodex:\n  approval_policy:\n    granular: { rules: true }\n",
      "hi",
    );
    const io = captureIo(tmp.path);
    expect(await runCli(["validate", path], io)).toBe(1);
    expect(io.err()).toMatch(
      new RegExp(
        `^${path} codex\\.approval_policy\\.granular\\.sandbox_approval: is required.*\\(invalid_workflow_config\\)`,
        "m",
      ),
    );
  });

  it("#19: a codex value the pinned codex does not list is a warning: printed, passed through, exit 0", async () => {
    const path = writeWorkflow(
      tmp.path,
      "tracker:\n  kind: memory\ncodex:\n  approval_policy: on-failure\n  thread_sandbox: future-sandbox\n",
      "hi",
    );
    const io = captureIo(tmp.path);
    expect(await runCli(["validate", path], io)).toBe(0);
    expect(io.out()).toContain(`${path}: ok`);
    const lines = io.err().trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      new RegExp(
        `^${path} codex\\.approval_policy: warning: "on-failure" is not a value codex 0\\.169\\.0 knows`,
      ),
    );
    expect(lines[1]).toMatch(/codex\.thread_sandbox: warning: "future-sandbox" .*passed through unchanged/);
  });

  it("accepts an Elixir-style reject map (translated for the pinned codex)", async () => {
    const front =
      "tracker:\n  kind: memory\ncodex:\n  approval_policy:\n    reject: { sandbox_approval: true, rules: true, mcp_elicitations: true }\n";
    const path = writeWorkflow(tmp.path, front, "hi");
    const io = captureIo(tmp.path);
    expect(await runCli(["validate", path], io)).toBe(0);
  });

  it("17.7: errors on a missing default ./WORKFLOW.md", async () => {
    const io = captureIo(tmp.path);
    expect(await runCli(["validate"], io)).toBe(1);
    expect(io.err()).toContain(`${join(tmp.path, "WORKFLOW.md")}: cannot read workflow file`);
    expect(io.err()).toContain("(missing_workflow_file)");
  });
});

describe("symphony init", () => {
  it("refuses to overwrite an existing file", async () => {
    writeFileSync(join(tmp.path, "WORKFLOW.md"), "mine");
    const io = captureIo(tmp.path);
    expect(await runCli(["init"], io)).toBe(1);
    expect(io.err()).toContain("refusing to overwrite");
    expect(readFileSync(join(tmp.path, "WORKFLOW.md"), "utf8")).toBe("mine");
  });

  it("writes to an explicit path and reports unwritable ones", async () => {
    const io = captureIo(tmp.path);
    expect(await runCli(["init", "flows/W.md"], io)).toBe(1);
    expect(io.err()).toContain("cannot write");
    expect(await runCli(["init", "Custom.md"], io)).toBe(0);
    expect(existsSync(join(tmp.path, "Custom.md"))).toBe(true);
  });
});

describe("symphony schema", () => {
  it("prints a JSON Schema that accepts the starter front matter and rejects bad values", async () => {
    const io = captureIo(tmp.path);
    expect(await runCli(["schema"], io)).toBe(0);
    const schema = JSON.parse(io.out()) as Record<string, unknown>;
    expect(schema.title).toBe("Symphony WORKFLOW.md front matter");
    const ajv = new Ajv2020.default({ strict: false });
    const validate = ajv.compile(schema);
    const front = parse(STARTER_WORKFLOW.split("---")[1] ?? "") as Record<string, unknown>;
    expect(validate(front)).toBe(true);
    expect(validate({ agent: { max_turns: 0 } })).toBe(false);
    expect(validate({ agent: { max_concurrent_agents_by_state: { todo: "x" } } })).toBe(false);
  });
});

describe("global flags", () => {
  it("--version prints the package version", async () => {
    const io = captureIo(tmp.path);
    expect(await runCli(["--version"], io)).toBe(0);
    expect(io.out().trim()).toBe(packageVersion());
    expect(packageVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it.each([[[]], [["validate"]], [["init"]], [["schema"]]])(
    "--help works on every command: %j",
    async (args) => {
      const io = captureIo(tmp.path);
      expect(await runCli([...args, "--help"], io)).toBe(0);
      expect(io.out()).toMatch(/^Usage: symphony/);
    },
  );

  it("bad flags print usage help and exit non-zero", async () => {
    const io = captureIo(tmp.path);
    expect(await runCli(["--port", "99999"], io)).toBe(2);
    expect(io.err()).toContain("--port");
    expect(await runCli(["--log-format", "xml"], io)).toBe(2);
    expect(await runCli(["--logs-root", " "], io)).toBe(2);
    expect(await runCli(["a.md", "b.md"], io)).toBe(2);
  });
});
