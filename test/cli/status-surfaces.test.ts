import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/program.js";
import type { ServiceStarter } from "../../src/cli/run-command.js";
import { runningInCi } from "../../src/cli/status-surfaces.js";
import { ok } from "../../src/domain/result.js";
import { captureIo } from "../support/cli-io.js";
import { FakeStatusSource } from "../support/fake-status-source.js";
import { busySnapshot } from "../support/snapshot-fixtures.js";
import { tempDirPerTest } from "../support/temp-dir.js";
import { until } from "../support/until.js";
import { writeWorkflow } from "../support/workflow-fixtures.js";

const tmp = tempDirPerTest();

/** A starter standing in for the orchestrator: a running service that exposes a status view. */
function starterWith(source: FakeStatusSource): { start: ServiceStarter; stopped: () => boolean } {
  let stopped = false;
  return {
    start: async () =>
      ok({
        status: source,
        stop: async () => {
          stopped = true;
        },
      }),
    stopped: () => stopped,
  };
}

describe("symphony run: status surfaces", () => {
  it("--port 0 serves the API on a free port and logs its URL; shutdown closes it", async () => {
    const path = writeWorkflow(tmp.path, "tracker:\n  kind: memory\nserver:\n  port: 1\n", "x");
    const source = new FakeStatusSource(busySnapshot());
    const service = starterWith(source);
    const io = captureIo(tmp.path, { HOME: tmp.path });
    const shutdown = new AbortController();
    const code = runCli([path, "--port", "0", "--no-tui"], io, {
      start: service.start,
      shutdown: shutdown.signal,
    });
    await until(() => /msg=ready/.test(io.err()) || /cannot start/.test(io.err()), 10_000, "ready");
    const url = /http server listening.*url=(http:\/\/127\.0\.0\.1:\d+\/)/.exec(io.err())?.[1];
    expect(url).toBeDefined();
    const state = (await (await fetch(`${url}api/v1/state`)).json()) as { counts: { running: number } };
    expect(state.counts.running).toBe(2);
    shutdown.abort();
    expect(await code).toBe(0);
    expect(service.stopped()).toBe(true);
    expect(source.listenerCount).toBe(0);
    await expect(fetch(`${url}api/v1/state`)).rejects.toThrow();
  });

  it("a non-loopback server.host without server.auth_token refuses to start, exit 1, with a clear error", async () => {
    const path = writeWorkflow(
      tmp.path,
      "tracker:\n  kind: memory\nserver:\n  port: 0\n  host: 0.0.0.0\n",
      "x",
    );
    const source = new FakeStatusSource();
    const service = starterWith(source);
    const io = captureIo(tmp.path, { HOME: tmp.path });
    const code = await runCli([path], io, { start: service.start });
    expect(code).toBe(1);
    expect(io.err()).toContain("server.auth_token is required");
    expect(service.stopped()).toBe(true);
  });

  it("with --logs-root, per-issue run logs land under it", async () => {
    const path = writeWorkflow(tmp.path, "tracker:\n  kind: memory\n", "x");
    const source = new FakeStatusSource(busySnapshot());
    const io = captureIo(tmp.path, { HOME: tmp.path });
    const shutdown = new AbortController();
    const logs = join(tmp.path, "logs");
    const code = runCli([path, "--logs-root", logs], io, {
      start: starterWith(source).start,
      shutdown: shutdown.signal,
    });
    await until(() => /msg=ready/.test(io.err()), 10_000, "ready");
    source.emit({
      type: "agent_event",
      issueId: "id-MT-649",
      identifier: "MT-649",
      event: { type: "notification", at: 0, method: "m", summary: "hello" },
    });
    shutdown.abort();
    expect(await code).toBe(0);
    const { readFile } = await import("node:fs/promises");
    expect(await readFile(join(logs, "MT-649", "run-MT-649.log"), "utf8")).toContain("[notification] hello");
  });

  it("CI in the environment turns the terminal dashboard off", () => {
    expect(runningInCi({ CI: "true" })).toBe(true);
    expect(runningInCi({ CI: "1" })).toBe(true);
    expect(runningInCi({ CI: "false" })).toBe(false);
    expect(runningInCi({ CI: "" })).toBe(false);
    expect(runningInCi({})).toBe(false);
  });
});
