import { EventEmitter } from "node:events";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { ServiceConfig } from "../../src/config/types.js";
import type { LogFields, Logger } from "../../src/domain/logger.js";
import type { ObserverEvent } from "../../src/domain/snapshot.js";
import { startObservability } from "../../src/observability/index.js";
import { FakeStatusSource } from "../support/fake-status-source.js";
import { buildSnapshot, busySnapshot, runningRow } from "../support/snapshot-fixtures.js";
import { makeTempDir } from "../support/temp-dir.js";
import { until } from "../support/until.js";

// startObservability reads only `server` from the config.
function configWith(server: ServiceConfig["server"]): ServiceConfig {
  return { server } as ServiceConfig;
}

function recordingLogger() {
  const lines: { level: string; message: string; fields: LogFields | undefined }[] = [];
  const make = (): Logger => ({
    debug: (message, fields) => lines.push({ level: "debug", message, fields }),
    info: (message, fields) => lines.push({ level: "info", message, fields }),
    warn: (message, fields) => lines.push({ level: "warn", message, fields }),
    error: (message, fields) => lines.push({ level: "error", message, fields }),
    child: () => make(),
  });
  return { logger: make(), lines };
}

class FakeTty extends EventEmitter {
  readonly writes: string[] = [];
  readonly isTTY = true;
  columns = 120;
  rows = 40;
  write(chunk: string): boolean {
    this.writes.push(chunk);
    return true;
  }
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("startObservability", () => {
  it("with no port anywhere and tui off, starts no server (url null)", async () => {
    const { logger } = recordingLogger();
    const source = new FakeStatusSource();
    const started = await startObservability({
      source,
      config: configWith({
        port: null,
        host: "127.0.0.1",
        authToken: null,
        allowedHosts: [],
        maxSseClients: 64,
      }),
      logsRoot: null,
      port: null,
      tui: false,
      logger,
    });
    expect(started.ok).toBe(true);
    if (!started.ok) return;
    expect(started.value.url).toBeNull();
    await started.value.close();
    expect(source.listenerCount).toBe(0);
  });

  it("--port 0 overrides server.port, picks a free port and logs it; the TUI shows the dashboard URL", async () => {
    const { logger, lines } = recordingLogger();
    const source = new FakeStatusSource(busySnapshot());
    const stdout = new FakeTty();
    const started = await startObservability({
      source,
      config: configWith({
        port: 1,
        host: "127.0.0.1",
        authToken: null,
        allowedHosts: [],
        maxSseClients: 64,
      }), // port 1 would fail: not used
      logsRoot: null,
      port: 0,
      tui: true,
      logger,
      stdout,
    });
    expect(started.ok).toBe(true);
    if (!started.ok) return;
    cleanups.push(() => started.value.close());
    const url = started.value.url!;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const listening = lines.find((l) => l.message === "http server listening");
    expect(listening?.fields?.url).toBe(url);
    expect(Number(listening?.fields?.port)).toBeGreaterThan(0);
    const state = (await (await fetch(`${url}api/v1/state`)).json()) as { counts: { running: number } };
    expect(state.counts.running).toBe(2);
    expect(stdout.writes[0]).toContain(`Dashboard: ${url}`);
    await started.value.close();
    expect(stdout.writes.at(-1)).toContain("offline");
    expect(source.listenerCount).toBe(0);
  });

  it("a non-loopback server.host without server.auth_token refuses to start with a clear error", async () => {
    const { logger, lines } = recordingLogger();
    const tmp = await makeTempDir();
    cleanups.push(tmp.cleanup);
    const source = new FakeStatusSource();
    const started = await startObservability({
      source,
      config: configWith({ port: 0, host: "0.0.0.0", authToken: null, allowedHosts: [], maxSseClients: 64 }),
      logsRoot: tmp.path,
      port: null,
      tui: false,
      logger,
    });
    expect(started.ok).toBe(false);
    if (started.ok) return;
    expect(started.error.kind).toBe("auth_token_required");
    expect(lines.find((l) => l.level === "error")?.fields?.reason).toContain("server.auth_token is required");
    expect(source.listenerCount).toBe(0);
  });

  it("with --logs-root, run logs are written and GET /api/v1/<identifier> names the files", async () => {
    const { logger } = recordingLogger();
    const tmp = await makeTempDir();
    cleanups.push(tmp.cleanup);
    const source = new FakeStatusSource(
      buildSnapshot({ running: [runningRow({ identifier: "LOG-1", runId: "run-1" })] }),
    );
    const started = await startObservability({
      source,
      config: configWith({
        port: 0,
        host: "127.0.0.1",
        authToken: null,
        allowedHosts: [],
        maxSseClients: 64,
      }),
      logsRoot: tmp.path,
      port: null,
      tui: false,
      logger,
    });
    if (!started.ok) throw new Error(started.error.kind);
    cleanups.push(() => started.value.close());
    source.emit({
      type: "run_started",
      issueId: "id-LOG-1",
      identifier: "LOG-1",
      runId: "run-1",
      attempt: null,
    });
    source.emit({
      type: "agent_event",
      issueId: "id-LOG-1",
      identifier: "LOG-1",
      event: { type: "notification", at: 0, method: "m", summary: "working" },
    });
    const body = (await (await fetch(`${started.value.url}api/v1/LOG-1`)).json()) as {
      run_log: string;
      events_log: string;
    };
    expect(body.run_log).toBe(join(tmp.path, "LOG-1", "run-1.log"));
    expect(body.events_log).toBe(join(tmp.path, "LOG-1", "run-1.events.jsonl"));
    await until(() => existsSync(body.run_log) && existsSync(body.events_log), 2000, "log files");
  });

  it("17.6: the surfaces only read — nothing but POST /api/v1/refresh asks the orchestrator for anything, and odd events never throw back", async () => {
    const { logger } = recordingLogger();
    const tmp = await makeTempDir();
    cleanups.push(tmp.cleanup);
    const source = new FakeStatusSource(busySnapshot());
    const before = JSON.stringify(source.snapshot());
    const started = await startObservability({
      source,
      config: configWith({
        port: 0,
        host: "127.0.0.1",
        authToken: null,
        allowedHosts: [],
        maxSseClients: 64,
      }),
      logsRoot: tmp.path,
      port: null,
      tui: true,
      stdout: new FakeTty(),
      logger,
    });
    if (!started.ok) throw new Error(started.error.kind);
    cleanups.push(() => started.value.close());
    const url = started.value.url!;
    for (const path of ["", "api/v1/state", "api/v1/MT-649", "metrics", "api/v1/nope"])
      await fetch(`${url}${path}`);
    const odd = [
      { type: "run_started" },
      { type: "hook_finished", issueId: 1, identifier: null },
      { type: "run_ended", issueId: "x", identifier: "y" },
      { type: "something_new", issueId: "x", identifier: "y" },
    ];
    for (const event of odd) expect(() => source.emit(event as unknown as ObserverEvent)).not.toThrow();
    expect(() =>
      source.emit({
        type: "agent_event",
        issueId: "unknown",
        identifier: "UNKNOWN-1",
        event: { type: "malformed", at: 0, line: "\u0000", reason: "binary" },
      }),
    ).not.toThrow();
    expect(source.refreshRequests).toBe(0);
    await fetch(`${url}api/v1/refresh`, { method: "POST" });
    expect(source.refreshRequests).toBe(1);
    expect(JSON.stringify(source.snapshot())).toBe(before);
  });
});
