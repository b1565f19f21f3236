import { describe, expect, it } from "vitest";
import { buildServiceConfig } from "../../../src/config/build-config.js";
import { silentLogger } from "../../../src/domain/logger.js";
import { buildChildEnv } from "../../../src/hosts/child-env.js";
import { CONFIG_KINDS, TRACKERS } from "../../../src/kinds.js";
import { parseAsanaProvider } from "../../../src/tracker/asana/config.js";
import { createTracker } from "../../../src/tracker/registry.js";
import { systemClock } from "../../../src/util/clock.js";

const ctx = (env: NodeJS.ProcessEnv = {}) => ({ workflowDir: "/w", env });

describe("parseAsanaProvider", () => {
  it("applies defaults and reads the token from ASANA_PAT when api_key is unset", () => {
    const r = parseAsanaProvider({ project_gid: "1200" }, ctx({ ASANA_PAT: "pat" }));
    expect(r).toEqual({
      ok: true,
      value: {
        endpoint: "https://app.asana.com/api/1.0",
        apiKey: "pat",
        secretEnvNames: ["ASANA_PAT"],
        projectGid: "1200",
        timeoutMs: 30_000,
        pageSize: 100,
      },
    });
  });

  it("$VAR works for api_key and project_gid; the key's variable name is a secret env name", () => {
    const r = parseAsanaProvider(
      { project_gid: "$PROJECT", api_key: "$MY_PAT", endpoint: "https://app.asana.com/api/1.0/" },
      ctx({ PROJECT: "77", MY_PAT: "p1", ASANA_PAT: "p2" }),
    );
    expect(r.ok && r.value).toMatchObject({
      projectGid: "77",
      apiKey: "p1",
      endpoint: "https://app.asana.com/api/1.0",
      secretEnvNames: ["ASANA_PAT", "MY_PAT"],
    });
  });

  it("a numeric project_gid written without quotes is accepted", () => {
    const r = parseAsanaProvider({ project_gid: 1200 }, ctx({ ASANA_PAT: "p" }));
    expect(r.ok && r.value.projectGid).toBe("1200");
  });

  it("an unset $VAR falls back to ASANA_PAT; a set-but-empty one is missing_tracker_secret", () => {
    const unset = parseAsanaProvider({ project_gid: "1", api_key: "$MY_PAT" }, ctx({ ASANA_PAT: "p2" }));
    expect(unset.ok && unset.value.apiKey).toBe("p2");
    const empty = parseAsanaProvider(
      { project_gid: "1", api_key: "$MY_PAT" },
      ctx({ MY_PAT: "", ASANA_PAT: "p2" }),
    );
    expect(!empty.ok && empty.error).toEqual([
      expect.objectContaining({
        key: "tracker.provider.api_key",
        code: "missing_tracker_secret",
        message: "Asana access token is missing: set $MY_PAT (or ASANA_PAT)",
      }),
    ]);
  });

  it.each([
    [{}, "tracker.provider.project_gid", "is required"],
    [{ project_gid: "abc/def" }, "tracker.provider.project_gid", "numeric project gid"],
    [
      { project_gid: "1", endpoint: "http://app.asana.com/api/1.0" },
      "tracker.provider.endpoint",
      "must use https",
    ],
    [
      { project_gid: "1", endpoint: "https://app.asana.com/api/1.0#x" },
      "tracker.provider.endpoint",
      "a query or a fragment",
    ],
    [{ project_gid: "1", page_size: 0 }, "tracker.provider.page_size", "from 1 to 100"],
    [{ project_gid: "1", timeout_ms: "30s" }, "tracker.provider.timeout_ms", "must be an integer"],
    [{ project_gid: true }, "tracker.provider.project_gid", "must be a string"],
  ])("rejects %j at %s", (raw, key, message) => {
    const r = parseAsanaProvider(raw, ctx({ ASANA_PAT: "p" }));
    expect(!r.ok && r.error).toEqual(
      expect.arrayContaining([expect.objectContaining({ key, message: expect.stringContaining(message) })]),
    );
  });

  it("a missing token is missing_tracker_secret; loopback http endpoints are accepted", () => {
    const missing = parseAsanaProvider({ project_gid: "1" }, ctx());
    expect(!missing.ok && missing.error.map((e) => e.code)).toEqual(["missing_tracker_secret"]);
    const loop = parseAsanaProvider(
      { project_gid: "1", endpoint: "http://127.0.0.1:4000/api/1.0" },
      ctx({ ASANA_PAT: "p" }),
    );
    expect(loop.ok && loop.value.endpoint).toBe("http://127.0.0.1:4000/api/1.0");
  });
});

describe("asana through the config loader and registry", () => {
  it("Elixir-style flat keys fold in; the adapter's secret env names keep the token out of children", async () => {
    const env = { ASANA_PAT: "asana-secret-1", PATH: "/usr/bin", HOME: "/h" };
    const built = buildServiceConfig(
      {
        tracker: {
          kind: "asana",
          api_key: "$ASANA_PAT",
          provider: { project_gid: "1200" },
          active_states: ["Ready"],
        },
      },
      { workflowPath: "/w/WORKFLOW.md", env, kinds: CONFIG_KINDS },
    );
    if (!built.ok) throw new Error(JSON.stringify(built.error));
    expect(built.value.tracker.activeStates).toEqual(["Ready"]);
    expect(built.value.tracker.terminalStates).toEqual(["Done"]);
    expect(built.value.secretValues).toContain("asana-secret-1");
    const adapter = await createTracker(built.value, { logger: silentLogger, clock: systemClock }, TRACKERS);
    if (!adapter.ok) throw new Error(adapter.error.message);
    expect(adapter.value.kind).toBe("asana");
    expect(adapter.value.toolSpecs().map((t) => t.name)).toEqual(["asana_api"]);
    const child = buildChildEnv({
      parent: env,
      extra: { ASANA_PAT: "asana-secret-1" },
      removeNames: adapter.value.secretEnvNames(),
    });
    expect(child).toEqual({ PATH: "/usr/bin", HOME: "/h" });
  });
});
