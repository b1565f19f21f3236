import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { filterProviderConfig } from "../../../src/agent/codex/isolated-home.js";
import { openSession, tempRoot } from "../../support/codex-harness.js";
import { codexCommand, createTestCodexHome } from "../../support/codex-home.js";
import { startFakeModelServer } from "../../support/fake-model-server.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("filterProviderConfig", () => {
  it("keeps model choice and provider tables, drops MCP servers, plugins, profiles and other settings", () => {
    const source = [
      'model = "gpt-5.5"',
      'model_provider = "corp"',
      'approval_policy = "never"',
      "notify = [",
      '  "say",',
      "]",
      "",
      "[model_providers.corp]",
      'base_url = "https://llm.corp/v1"',
      'env_key = "CORP_KEY"',
      "[model_providers.corp.http_headers]",
      'X-Team = "a"',
      "",
      "[mcp_servers.github]",
      'command = "gh-mcp"',
      "[plugins.foo]",
      "enabled = true",
      "[profiles.fast]",
      'model = "mini"',
    ].join("\n");
    expect(filterProviderConfig(source)).toBe(
      [
        'model = "gpt-5.5"',
        'model_provider = "corp"',
        "[model_providers.corp]",
        'base_url = "https://llm.corp/v1"',
        'env_key = "CORP_KEY"',
        "[model_providers.corp.http_headers]",
        'X-Team = "a"',
        "",
      ].join("\n"),
    );
  });

  it("an empty or missing config gives an empty file", () => {
    expect(filterProviderConfig("")).toBe("\n");
  });
});

describe("codex.home: isolated", () => {
  it("runs each attempt in a fresh CODEX_HOME with only the login and provider settings, removed at stop", async () => {
    const dirs = tempRoot();
    const model = await startFakeModelServer(() => ({ kind: "text", text: "isolated ok" }));
    const operator = createTestCodexHome(model.baseUrl);
    cleanups.push(dirs.cleanup, operator.cleanup, () => model.close());
    appendFileSync(
      join(operator.path, "config.toml"),
      '\n[mcp_servers.stall]\ncommand = "sleep"\nargs = ["1000"]\n',
    );
    writeFileSync(join(operator.path, "auth.json"), '{"OPENAI_API_KEY":"sk-test"}');
    const opened = await openSession({
      codex: { command: codexCommand(), home: "isolated" },
      workspace: dirs.workspace,
      env: { PATH: process.env.PATH ?? "", HOME: dirs.home, CODEX_HOME: operator.path, TMPDIR: dirs.root },
    });
    if (!opened.result.ok) throw new Error(opened.result.error.message);
    const session = opened.result.value;
    cleanups.push(() => session.stop());
    const homes = readdirSync(dirs.root).filter((d) => d.startsWith("symphony-codex-home."));
    expect(homes).toHaveLength(1);
    const isolated = join(dirs.root, homes[0] ?? "");
    const config = readFileSync(join(isolated, "config.toml"), "utf8");
    expect(config).toContain("[model_providers.fake]");
    expect(config).not.toContain("mcp_servers");
    expect(readFileSync(join(isolated, "auth.json"), "utf8")).toContain("sk-test");
    expect(
      (
        await session.runTurn("hello", {
          issue: { id: "i" } as never,
          turn: 1,
          maxTurns: 1,
          signal: new AbortController().signal,
        })
      ).ok,
    ).toBe(true);
    expect(model.requests).toHaveLength(1);
    // codex wrote its rollout into the isolated home, not the operator's
    expect(existsSync(join(isolated, "sessions"))).toBe(true);
    expect(existsSync(join(operator.path, "sessions"))).toBe(false);
    await session.stop();
    expect(existsSync(isolated)).toBe(false);
  });
});
