import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { packageVersion, runCli } from "../../src/cli/program.js";
import { STARTER_ISSUE, STARTER_WORKFLOW } from "../../src/cli/starter-workflow.js";
import { captureIo } from "../support/cli-io.js";
import { tempDirPerTest } from "../support/temp-dir.js";
import { until } from "../support/until.js";
import { writeWorkflow } from "../support/workflow-fixtures.js";

const tmp = tempDirPerTest();

/** An io whose `bash -lc` finds a stand-in `codex` (a temp HOME whose login file puts it on PATH). */
function ioWithCodex(dir: string) {
  const home = join(dir, "home");
  mkdirSync(join(home, "bin"), { recursive: true });
  writeFileSync(join(home, "bin", "codex"), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
  writeFileSync(join(home, ".bash_profile"), `PATH="${join(home, "bin")}:$PATH"\n`);
  return captureIo(dir, { HOME: home, PATH: process.env.PATH ?? "/usr/bin:/bin" });
}

describe("symphony validate", () => {
  it("exits 0 on the starter file written by symphony init", async () => {
    const io = ioWithCodex(tmp.path);
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
    const io = ioWithCodex(tmp.path);
    expect(await runCli(["validate", path], io)).toBe(1);
    expect(io.err()).toMatch(
      new RegExp(
        `^${path}(:\\d+:\\d+)? codex\\.approval_policy\\.granular\\.sandbox_approval: is required.*\\(invalid_workflow_config\\)`,
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
    const io = ioWithCodex(tmp.path);
    expect(await runCli(["validate", path], io)).toBe(0);
    expect(io.out()).toContain(`${path}: ok`);
    const lines = io.err().trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      new RegExp(
        `^${path}:\\d+:\\d+ codex\\.approval_policy: warning: "on-failure" is not a value codex 0\\.169\\.0 knows`,
      ),
    );
    expect(lines[1]).toMatch(/codex\.thread_sandbox: warning: "future-sandbox" .*passed through unchanged/);
  });

  it("accepts an Elixir-style reject map (translated for the pinned codex)", async () => {
    const front =
      "tracker:\n  kind: memory\ncodex:\n  approval_policy:\n    reject: { sandbox_approval: true, rules: true, mcp_elicitations: true }\n";
    const path = writeWorkflow(tmp.path, front, "hi");
    const io = ioWithCodex(tmp.path);
    expect(await runCli(["validate", path], io)).toBe(0);
  });

  it("names every misspelled key with the nearest known one, and exits 1", async () => {
    const path = writeWorkflow(
      tmp.path,
      "tracker:\n  kind: memory\nagent:\n  max_concurent_agents: 3\nhook:\n  after_create: echo\npollling:\n  interval_ms: 5\n",
      "hi",
    );
    const io = ioWithCodex(tmp.path);
    expect(await runCli(["validate", path], io)).toBe(1);
    expect(io.err().trim().split("\n")).toEqual([
      `${path}:5:3 agent.max_concurent_agents: unknown key; did you mean max_concurrent_agents? (unknown_workflow_key)`,
      `${path}:6:1 hook: unknown section; did you mean hooks? (unknown_workflow_key)`,
      `${path}:8:1 pollling: unknown section; did you mean polling? (unknown_workflow_key)`,
      "3 problems found",
    ]);
  });

  it("lists extension sections and ignored Elixir keys without failing", async () => {
    const path = writeWorkflow(
      tmp.path,
      "tracker:\n  kind: memory\nmy_team_extension:\n  a: 1\nobservability:\n  dashboard_enabled: false\n  refresh_ms: 1000\n",
      "hi",
    );
    const io = ioWithCodex(tmp.path);
    expect(await runCli(["validate", path], io)).toBe(0);
    const lines = io.err().trim().split("\n");
    expect(lines[0]).toContain(`${path}:4:1 my_team_extension: unknown top-level section, ignored`);
    expect(lines[1]).toMatch(
      /:7:\d+ observability\.dashboard_enabled: ignored \(a setting of the Elixir reference; .*--no-tui/,
    );
    expect(lines[2]).toContain("observability.refresh_ms: ignored");
    expect(io.out()).toContain(": ok (tracker memory, agent codex, prompt renders)");
  });

  it("prints every problem once, across stages, sorted by position, with the count", async () => {
    const path = writeWorkflow(
      tmp.path,
      "tracker:\n  kind: memory\nagent:\n  max_turns: 0\n  max_turnz: 1\n",
      "Hello {{ issue.nope }}",
    );
    const io = ioWithCodex(tmp.path);
    expect(await runCli(["validate", path], io)).toBe(1);
    const lines = io.err().trim().split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/:5:14 agent\.max_turns: must be a positive integer/);
    expect(lines[1]).toMatch(/:6:3 agent\.max_turnz: unknown key; did you mean max_turns\?/);
    expect(lines[2]).toMatch(/:8:\d+: .*\(template_render_error\)/);
    expect(lines[3]).toBe("3 problems found");
  });

  it("names the variable when a required setting written as $VAR is unset", async () => {
    const path = writeWorkflow(
      tmp.path,
      "tracker:\n  kind: github\n  provider:\n    token: t\n    repo: $NOPE_REPO\n",
      "hi",
    );
    const io = ioWithCodex(tmp.path);
    expect(await runCli(["validate", path], io)).toBe(1);
    expect(io.err()).toContain("tracker.provider.repo: is required for the GitHub tracker");
    expect(io.err()).toContain("($NOPE_REPO is unset or empty)");
  });

  it("fails when the agent command's program does not resolve, naming it", async () => {
    const path = writeWorkflow(
      tmp.path,
      "tracker:\n  kind: memory\ncodex:\n  command: /nowhere/codex app-server\n",
      "hi",
    );
    const io = ioWithCodex(tmp.path);
    expect(await runCli(["validate", path], io)).toBe(1);
    expect(io.err()).toMatch(
      /:5:\d+ codex\.command: \/nowhere\/codex is not found by bash .*\(agent_command_not_found\)/,
    );
    expect(io.err().trim().split("\n").at(-1)).toBe("1 problem found");
  });

  it("17.7: errors on a missing default ./WORKFLOW.md", async () => {
    const io = captureIo(tmp.path);
    expect(await runCli(["validate"], io)).toBe(1);
    expect(io.err()).toContain(`${join(tmp.path, "WORKFLOW.md")}: cannot read workflow file`);
    expect(io.err()).toContain("(missing_workflow_file)");
  });
});

describe("symphony init", () => {
  it("creates a working project: WORKFLOW.md plus the local tracker's issues/ with one sample issue", async () => {
    const io = ioWithCodex(tmp.path);
    expect(await runCli(["init"], io)).toBe(0);
    expect(readFileSync(join(tmp.path, "issues", "DEMO-1.md"), "utf8")).toBe(STARTER_ISSUE);
    expect(io.out()).toContain("dashboard at http://127.0.0.1:4000/, Ctrl-C stops");
    const add = captureIo(tmp.path);
    expect(await runCli(["issue", "add", "My first task"], add)).toBe(0);
    expect(add.out()).toBe("DEMO-2\n");
    const list = captureIo(tmp.path);
    expect(await runCli(["issue", "list"], list)).toBe(0);
    expect(list.out()).toContain("DEMO-1        Todo");
  });

  it("doctor on a project whose issue folder is missing blames the folder, not the network", async () => {
    const io = ioWithCodex(tmp.path);
    expect(await runCli(["init"], io)).toBe(0);
    rmSync(join(tmp.path, "issues"), { recursive: true });
    const doctor = ioWithCodex(tmp.path);
    expect(await runCli(["doctor"], doctor)).toBe(1);
    const line =
      doctor
        .out()
        .split("\n")
        .find((l) => /^\S+\s+tracker\b/.test(l)) ?? "";
    expect(line).toContain("invalid_tracker_config: issue folder");
    expect(line).toContain("does not exist");
    expect(doctor.out()).not.toContain("unreachable");
  });

  it("the starter prompt says how to hand off: an agent that follows it moves the issue out of the active states", async () => {
    const io = ioWithCodex(tmp.path);
    expect(await runCli(["init"], io)).toBe(0);
    // an agent that does only what the prompt tells it: find the hand-off state and the tool it names
    writeFileSync(
      join(tmp.path, "follow-prompt.sh"),
      [
        "prompt=$(cat)",
        `state=$(printf '%s\\n' "$prompt" | sed -n 's/^Hand-off state: *//p' | head -n 1)`,
        `tool=$(printf '%s\\n' "$prompt" | grep -o 'call the \`[a-z_]*\` tool' | head -n 1 | sed 's/.*\`\\(.*\\)\`.*/\\1/')`,
        `[ -n "$state" ] && [ -n "$tool" ] || { echo "the prompt names no hand-off"; exit 1; }`,
        `printf 'SYMPHONY_TOOL: {"name":"%s","arguments":{"state":"%s","comment":"done"}}\\n' "$tool" "$state"`,
        "",
      ].join("\n"),
    );
    const workflow = readFileSync(join(tmp.path, "WORKFLOW.md"), "utf8")
      .replace("  backend: codex", "  backend: command")
      .replace("codex:\n", 'command:\n  run: bash "$SYMPHONY_WORKFLOW_DIR/follow-prompt.sh"\ncodex:\n')
      .replace("interval_ms: 30000", "interval_ms: 200");
    writeFileSync(join(tmp.path, "WORKFLOW.md"), workflow);
    const run = captureIo(tmp.path, { HOME: tmp.path, PATH: process.env.PATH ?? "" });
    const shutdown = new AbortController();
    const code = runCli(["--no-tui"], run, { shutdown: shutdown.signal });
    const issue = join(tmp.path, "issues", "DEMO-1.md");
    await until(() => readFileSync(issue, "utf8").includes("state: Human Review"), 15_000, "hand-off");
    shutdown.abort();
    expect(await code).toBe(0);
  });

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
    // known sections are closed so editors flag typos; the top level stays open for extensions
    expect(validate({ agent: { max_concurent_agents: 3 } })).toBe(false);
    expect(validate({ my_extension: { anything: 1 } })).toBe(true);
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
