import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { StartSessionOptions } from "../../../src/agent/backend.js";
import { createBuiltinBackend } from "../../../src/agent/builtin/index.js";
import type { BuiltinBackendConfig } from "../../../src/agent/builtin/settings.js";
import { silentLogger } from "../../../src/domain/logger.js";
import type { Host } from "../../../src/hosts/host.js";
import { createLocalHost } from "../../../src/hosts/local.js";
import {
  builtinConfig,
  noTrackerTools,
  serviceConfigWith,
  testIssue,
} from "../../support/builtin-harness.js";
import { makeTempDir } from "../../support/temp-dir.js";

let temp: { path: string; cleanup: () => Promise<void> };

beforeEach(async () => {
  temp = await makeTempDir();
  await mkdir(join(temp.path, "ws"));
});
afterEach(() => temp.cleanup());

function start(config: BuiltinBackendConfig, overrides: Partial<StartSessionOptions> = {}) {
  const backend = createBuiltinBackend(serviceConfigWith(config, temp.path), { logger: silentLogger });
  expect(backend.name).toBe("builtin");
  return backend.startSession({
    host: createLocalHost(),
    workspacePath: join(temp.path, "ws"),
    issue: testIssue(),
    tools: noTrackerTools,
    env: {},
    onEvent: () => {},
    signal: new AbortController().signal,
    logger: silentLogger,
    ...overrides,
  });
}

describe("builtin backend startup", () => {
  it("starts a session without contacting the model", async () => {
    const result = await start(builtinConfig({ baseUrl: "http://127.0.0.1:9/v1" }));
    expect(result.ok).toBe(true);
    if (result.ok) await result.value.stop();
  });

  it("an invalid builtin section fails startup with the validation messages", async () => {
    const result = await start(builtinConfig({ baseUrl: null, model: null }));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.category).toBe("startup_failed");
      expect(result.error.message).toContain("`builtin.model` is required");
    }
  });

  it("a missing workspace is invalid_workspace_cwd", async () => {
    const result = await start(builtinConfig({ baseUrl: "http://127.0.0.1:9/v1" }), {
      workspacePath: join(temp.path, "missing"),
    });
    expect(!result.ok && result.error.category).toBe("invalid_workspace_cwd");
  });

  it("refuses a remote host: its file tools run in this process", async () => {
    const remote: Host = { ...createLocalHost(), name: "worker-1", localFilesystem: false };
    const result = await start(builtinConfig({ baseUrl: "http://127.0.0.1:9/v1" }), { host: remote });
    expect(!result.ok && result.error).toMatchObject({ category: "startup_failed" });
  });
});
