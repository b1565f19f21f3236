import { realpath, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ToolSet } from "ai";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ToolOutcome } from "../../../../src/agent/builtin/tools/outcome.js";
import { BUILTIN_TOOL_NAMES, buildToolSet } from "../../../../src/agent/builtin/tools/toolset.js";
import { silentLogger } from "../../../../src/domain/logger.js";
import { createLocalHost } from "../../../../src/hosts/local.js";
import type { ToolBinding } from "../../../../src/tracker/adapter.js";
import { builtinConfig, testIssue } from "../../../support/builtin-harness.js";
import { makeTempDir } from "../../../support/temp-dir.js";

let temp: { path: string; cleanup: () => Promise<void> };
let root: string;
let reported: [string, ToolOutcome][];

beforeEach(async () => {
  temp = await makeTempDir();
  root = await realpath(temp.path);
  reported = [];
});
afterEach(() => temp.cleanup());

function toolset(tracker: ToolBinding, tools: readonly string[] | null = null): ToolSet {
  return buildToolSet({
    root,
    host: createLocalHost(),
    env: {},
    config: builtinConfig({ tools }),
    issue: testIssue(),
    tracker,
    signal: new AbortController().signal,
    logger: silentLogger,
    onToolCall: (tool, outcome) => reported.push([tool, outcome]),
  });
}

function call(tools: ToolSet, name: string, input: unknown): Promise<unknown> {
  const execute = tools[name]?.execute;
  if (execute === undefined) throw new Error(`no tool ${name}`);
  return Promise.resolve(execute(input, { toolCallId: "t1", messages: [] }));
}

const spec = (name: string) => ({ name, description: name, inputSchema: { type: "object" } });

describe("tool set", () => {
  it("offers every workspace tool plus the tracker's tools", () => {
    const tools = toolset({
      specs: [spec("update_issue")],
      execute: async () => ({ success: true, output: null }),
    });
    expect(Object.keys(tools)).toEqual([...BUILTIN_TOOL_NAMES, "update_issue"]);
  });

  it("a tracker tool cannot shadow a workspace tool", async () => {
    const tools = toolset({
      specs: [spec("read_file")],
      execute: async () => ({ success: true, output: "tracker" }),
    });
    await writeFile(join(root, "a.txt"), "from disk\n");
    expect(await call(tools, "read_file", { path: "a.txt" })).toContain("from disk");
  });

  it("a tracker tool that throws becomes an error result and a failed tool_call, not a session failure", async () => {
    const tools = toolset({
      specs: [spec("explode")],
      execute: async () => {
        throw new Error("adapter bug");
      },
    });
    expect(await call(tools, "explode", {})).toBe("Error: adapter bug");
    expect(reported).toEqual([["explode", expect.objectContaining({ ok: false })]]);
  });

  it("a failed tracker result is reported as a failed call with its JSON output", async () => {
    const tools = toolset({
      specs: [spec("update_issue")],
      execute: async () => ({ success: false, output: { error: "unknown state" } }),
    });
    expect(await call(tools, "update_issue", { state: "Nope" })).toBe('{"error":"unknown state"}');
    expect(reported[0]?.[1]).toMatchObject({ ok: false, summary: 'update_issue {"state":"Nope"} (failed)' });
  });

  it("builtin.tools keeps only the listed tools, tracker tools included", () => {
    const tools = toolset(
      { specs: [spec("update_issue")], execute: async () => ({ success: true, output: null }) },
      ["update_issue", "grep", "not_a_tool"],
    );
    expect(Object.keys(tools)).toEqual(["update_issue", "grep"]);
  });
});
