import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { BuiltinBackendConfig } from "../../../src/agent/builtin/settings.js";
import { showBuiltinProblem, validateBuiltinConfig } from "../../../src/agent/builtin/validate.js";
import { runCli } from "../../../src/cli/program.js";
import { builtinConfig } from "../../support/builtin-harness.js";
import { captureIo } from "../../support/cli-io.js";
import { makeTempDir } from "../../support/temp-dir.js";
import { buildConfig, writeWorkflow } from "../../support/workflow-fixtures.js";

describe("validateBuiltinConfig", () => {
  it("accepts a complete openai-compatible section and a keyless local one", () => {
    expect(validateBuiltinConfig(builtinConfig({ baseUrl: "http://localhost:11434/v1" }))).toEqual([]);
    expect(
      validateBuiltinConfig(builtinConfig({ baseUrl: "http://localhost:11434/v1", apiKey: null })),
    ).toEqual([]);
  });

  it.each<[string, Partial<BuiltinBackendConfig>, string]>([
    ["model missing", { model: null }, "`builtin.model` is required when agent.backend is builtin"],
    ["bad provider", { provider: "mistral" as never }, "`builtin.provider` must be one of"],
    [
      "hosted without key",
      { provider: "anthropic", apiKey: null },
      "`builtin.api_key` is required for provider anthropic",
    ],
    [
      "compatible without url",
      { baseUrl: null },
      "`builtin.base_url` is required for provider openai-compatible",
    ],
    [
      "bad url",
      { provider: "openai", baseUrl: "ftp://x" },
      '`builtin.base_url` must be an http(s) URL, got `"ftp://x"`',
    ],
    ["zero steps", { maxSteps: 0 }, "`builtin.max_steps` must be a positive integer, got `0`"],
    ["hot temperature", { temperature: 3 }, "`builtin.temperature` must be between 0 and 2, got `3`"],
    ["output tokens", { maxOutputTokens: -1 }, "`builtin.max_output_tokens` must be a positive integer"],
    [
      "tiny window",
      { contextWindowTokens: 10 },
      "`builtin.context_window_tokens` must be an integer of at least 1000",
    ],
    [
      "output over window",
      { maxOutputTokens: 200_000 },
      "must be smaller than builtin.context_window_tokens",
    ],
    ["command timeout", { commandTimeoutMs: 0 }, "`builtin.command_timeout_ms` must be a positive integer"],
    ["duplicate tool", { tools: ["read_file", "read_file"] }, "`builtin.tools` must not repeat a name"],
    [
      "blank pattern",
      { deniedCommands: [" "] },
      "`builtin.denied_commands` entries must be non-empty patterns",
    ],
  ])("%s", (_name, overrides, message) => {
    const problems = validateBuiltinConfig(builtinConfig({ baseUrl: "http://127.0.0.1:1/v1", ...overrides }));
    expect(problems.map(showBuiltinProblem).join("\n")).toContain(message);
    expect(
      problems.every((p) => p.key.startsWith("builtin.") && p.rule !== "" && p.severity === "error"),
    ).toBe(true);
  });
});

describe("docs/agent-backends.md snippets", () => {
  it("every WORKFLOW.md snippet loads through the config loader and passes validateBuiltinConfig", () => {
    const doc = readFileSync(join(import.meta.dirname, "../../../docs/agent-backends.md"), "utf8");
    const blocks = [...doc.matchAll(/```yaml\n---\n([\s\S]*?)---\n```/g)].map((m) => m[1] as string);
    expect(blocks.length).toBe(5);
    const env = {
      OPENAI_API_KEY: "sk-o",
      ANTHROPIC_API_KEY: "sk-a",
      GOOGLE_GENERATIVE_AI_API_KEY: "g",
      DEEPSEEK_API_KEY: "d",
    };
    for (const block of blocks) {
      const front = parse(block) as Record<string, unknown>;
      const config = buildConfig({ ...front, tracker: { kind: "memory" } }, tmpdir(), env);
      expect(config.agent.backend).toBe("builtin");
      expect(validateBuiltinConfig(config.builtin)).toEqual([]);
    }
  });
});

describe("symphony validate with agent.backend: builtin", () => {
  it("reports builtin problems with the file path and exits 1; a complete section exits 0", async () => {
    const temp = await makeTempDir();
    try {
      const path = writeWorkflow(
        temp.path,
        {
          tracker: { kind: "memory" },
          agent: { backend: "builtin" },
          builtin: { provider: "anthropic", model: "claude-x" },
        },
        "Work on {{ issue.identifier }}",
      );
      const io = captureIo(temp.path);
      expect(await runCli(["validate", path], io)).toBe(1);
      expect(io.err()).toMatch(/builtin\.api_key: is required for provider anthropic/);
      expect(io.err()).toContain(path);
      writeWorkflow(
        temp.path,
        {
          tracker: { kind: "memory" },
          agent: { backend: "builtin" },
          builtin: { provider: "anthropic", model: "claude-x", api_key: "$ANTHROPIC_API_KEY" },
        },
        "Work on {{ issue.identifier }}",
      );
      const ok = captureIo(temp.path, { ANTHROPIC_API_KEY: "sk-ant" });
      expect(await runCli(["validate", path], ok)).toBe(0);
    } finally {
      await temp.cleanup();
    }
  });
});
