import { appendFile, readFile, utimes } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import { replayCommand } from "../../../src/cli/replay/command.js";
import { replayFile } from "../../../src/cli/replay/replay.js";
import type { AgentEvent } from "../../../src/domain/agent-event.js";
import { runLogFiles } from "../../../src/observability/run-logs/paths.js";
import { startRunLogRecorder } from "../../../src/observability/run-logs/recorder.js";
import { captureIo } from "../../support/cli-io.js";
import { FakeStatusSource } from "../../support/fake-status-source.js";
import { ManualClock } from "../../support/manual-clock.js";
import { FIXTURE_NOW } from "../../support/snapshot-fixtures.js";
import { makeTempDir } from "../../support/temp-dir.js";
import { until } from "../../support/until.js";

/** An agent event without its `at` stamp (the recorder's clock supplies it). */
type EventBody = AgentEvent extends infer E ? (E extends AgentEvent ? Omit<E, "at"> : never) : never;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The real run-log recorder over a temp logs root, driven by observer events and a manual clock. */
async function recorder() {
  const tmp = await makeTempDir("symphony-replay-");
  cleanups.push(tmp.cleanup);
  const source = new FakeStatusSource();
  const clock = new ManualClock(FIXTURE_NOW);
  const rec = startRunLogRecorder({ source, logsRoot: tmp.path, clock });
  let closed = false;
  cleanups.push(async () => {
    if (!closed) await rec.close();
  });
  const start = (runId: string) =>
    source.emit({ type: "run_started", issueId: "i1", identifier: "ABC-1", runId, attempt: null });
  const event = (body: EventBody, advanceMs = 0) => {
    clock.advance(advanceMs);
    source.emit({
      type: "agent_event",
      issueId: "i1",
      identifier: "ABC-1",
      event: { at: clock.now(), ...body } as AgentEvent,
    });
  };
  const end = (runId: string, outcome: "completed" | "failed" = "completed", reason: string | null = null) =>
    source.emit({
      type: "run_ended",
      issueId: "i1",
      identifier: "ABC-1",
      runId,
      outcome,
      reason,
      error: null,
    });
  const files = (runId: string) => runLogFiles(tmp.path, "ABC-1", runId);
  const close = async () => {
    closed = true;
    await rec.close();
  };
  return { root: tmp.path, start, event, end, files, close, clock };
}

/** One typical run: a session, two turns, a tool call, token growth. */
function typicalRun(r: Awaited<ReturnType<typeof recorder>>, runId: string) {
  r.start(runId);
  r.event({ type: "session_started", sessionId: "t-1", threadId: "t", turnId: "1", pid: "42" });
  r.event({ type: "tool_call", tool: "linear_graphql", ok: true, summary: "query viewer" }, 1_500);
  r.event({ type: "token_usage", totals: { inputTokens: 100, outputTokens: 20, totalTokens: 120 } }, 500);
  r.event({ type: "turn_completed", turn: 1, message: "first" }, 1_000);
  r.event({ type: "tool_call", tool: "shell", ok: false, summary: "exit 1" }, 2_000);
  r.event({ type: "token_usage", totals: { inputTokens: 300, outputTokens: 50, totalTokens: 350 } }, 500);
  r.event({ type: "turn_completed", turn: 2, message: "done" }, 60_000);
}

describe("symphony replay", () => {
  it("replays a run written by the real recorder: offsets, humanised summaries, token growth, summary with outcome", async () => {
    const r = await recorder();
    typicalRun(r, "run-1");
    r.end("run-1", "completed");
    await r.close();
    const io = captureIo(r.root);
    expect(await replayFile(r.files("run-1").events, io, { follow: false })).toBe(0);
    const out = io.out().split("\n");
    expect(out[0]).toBe(`run run-1 issue ABC-1 started ${new Date(FIXTURE_NOW).toISOString()}`);
    expect(out[1]).toMatch(/^\s+\+00\.0s {2}session_started\s+session started \(t-1\)$/);
    expect(out[2]).toMatch(/\+01\.5s {2}tool_call\s+tool linear_graphql ok: query viewer$/);
    expect(out[3]).toMatch(
      /\+02\.0s {2}token_usage\s+tokens in 100 out 20 total 120 {2}\[tokens 120 \+120\]$/,
    );
    expect(out[6]).toMatch(/\+05\.5s {2}token_usage\s+.*\[tokens 350 \+230\]$/);
    expect(out[7]).toMatch(/\+1m05\.5s {2}turn_completed\s+turn 2 completed: done$/);
    expect(io.out()).toContain("events 7, turns 2, tool calls 2 (1 failed)\n");
    expect(io.out()).toContain("tokens 350 (in 300, out 50), duration 1m 05s\n");
    expect(io.out()).toContain("outcome completed\n");
    expect(io.err()).toBe("");
  });

  it("token growth restarts per session: a second session's absolute totals are added, not subtracted", async () => {
    const r = await recorder();
    r.start("run-2");
    r.event({ type: "session_started", sessionId: "a-1", threadId: "a", turnId: "1", pid: null });
    r.event({ type: "token_usage", totals: { inputTokens: 80, outputTokens: 20, totalTokens: 100 } });
    r.event({ type: "session_started", sessionId: "b-1", threadId: "b", turnId: "1", pid: null });
    r.event({ type: "token_usage", totals: { inputTokens: 30, outputTokens: 10, totalTokens: 40 } });
    r.end("run-2", "failed", "turn_timeout");
    await r.close();
    const io = captureIo(r.root);
    await replayFile(r.files("run-2").events, io, { follow: false });
    expect(io.out()).toContain("[tokens 140 +40]");
    expect(io.out()).toContain("tokens 140 (in 110, out 30)");
    expect(io.out()).toContain("outcome failed (turn_timeout)\n");
  });

  it("corrupt lines are reported by line number on stderr and skipped; the rest still replays", async () => {
    const r = await recorder();
    r.start("run-3");
    r.event({ type: "session_started", sessionId: "s-1", threadId: "s", turnId: "1", pid: null });
    await r.close();
    const path = r.files("run-3").events;
    await appendFile(path, '{"received_at": "nope", "event": {"type": "output"}}\nnot json at all\n');
    await appendFile(
      path,
      `${JSON.stringify({ received_at: new Date(FIXTURE_NOW + 2000).toISOString(), event: { type: "mystery" } })}\n`,
    );
    await appendFile(
      path,
      `${JSON.stringify({ received_at: new Date(FIXTURE_NOW + 3000).toISOString(), issue_id: "i1", issue_identifier: "ABC-1", run_id: "run-3", event: { type: "output", stream: "stdout", line: "hello", at: 0 } })}\n{"trunc`,
    );
    const io = captureIo(r.root);
    expect(await replayFile(path, io, { follow: false })).toBe(0);
    expect(io.err()).toBe(
      [
        `${path}:2: skipped corrupt line (received_at missing or not a timestamp)`,
        `${path}:3: skipped corrupt line (not JSON)`,
        `${path}:4: skipped corrupt line (unknown event type mystery)`,
        `${path}:6: skipped corrupt line (not JSON)`,
        "",
      ].join("\n"),
    );
    expect(io.out()).toMatch(/\+03\.0s {2}output\s+stdout: hello\n/);
    expect(io.out()).toContain("4 corrupt lines skipped\n");
    expect(io.out()).toContain("outcome cancelled (shutdown)\n");
  });

  it("--follow prints events as a live run appends them and ends once the run's log records its end", async () => {
    const r = await recorder();
    r.start("run-4");
    r.event({ type: "session_started", sessionId: "s-1", threadId: "s", turnId: "1", pid: null });
    const io = captureIo(r.root);
    // the file exists once the first event is flushed
    const path = r.files("run-4").events;
    await until(async () => (await readFile(path, "utf8").catch(() => "")).includes("session_started"));
    const done = replayFile(path, io, { follow: true, pollMs: 10 });
    await until(() => io.out().includes("session started (s-1)"), 5_000, "first event");
    expect(io.out()).not.toContain("turn 1 completed");
    r.event({ type: "turn_completed", turn: 1, message: "ok" }, 4_000);
    await until(() => io.out().includes("turn 1 completed: ok"), 5_000, "appended event");
    expect(io.out()).not.toContain("outcome");
    r.end("run-4", "completed");
    expect(await done).toBe(0);
    expect(io.out()).toContain("outcome completed\n");
    expect(io.out()).toContain("turns 1");
  });

  it("--follow stops when its signal aborts (Ctrl-C) and still prints the summary so far", async () => {
    const r = await recorder();
    r.start("run-5");
    r.event({ type: "session_started", sessionId: "s-1", threadId: "s", turnId: "1", pid: null });
    const path = r.files("run-5").events;
    await until(async () => (await readFile(path, "utf8").catch(() => "")) !== "");
    const stop = new AbortController();
    const io = captureIo(r.root);
    const done = replayFile(path, io, { follow: true, pollMs: 10_000, signal: stop.signal });
    await until(() => io.out().includes("session started"), 5_000);
    stop.abort();
    expect(await done).toBe(0);
    expect(io.out()).toContain("outcome not recorded\n");
  });

  it("a directory lists its runs newest first with their outcomes; --latest replays the newest", async () => {
    const r = await recorder();
    typicalRun(r, "run-old");
    r.end("run-old", "failed", "stall");
    r.start("run-new");
    r.event({ type: "session_started", sessionId: "n-1", threadId: "n", turnId: "1", pid: null });
    r.end("run-new", "completed");
    await r.close();
    const old = new Date(FIXTURE_NOW);
    await utimes(r.files("run-old").events, old, old);
    const dir = r.files("run-new").events.replace(/\/[^/]+$/, "");

    const list = captureIo(r.root);
    expect(await replayCommand(dir, { follow: false, latest: false }, list)).toBe(0);
    const rows = list.out().split("\n");
    expect(rows[0]).toMatch(/^RUN\s+LAST WRITTEN\s+BYTES\s+OUTCOME$/);
    expect(rows[1]).toMatch(/^run-new\s.*\scompleted$/);
    expect(rows[2]).toMatch(/^run-old\s+2026-01-01T12:00:00Z\s.*\sfailed$/);
    expect(rows[3]).toBe("(2 runs; replay one with its file path, or --latest)");

    const latest = captureIo(r.root);
    expect(await replayCommand(dir, { follow: false, latest: true }, latest)).toBe(0);
    expect(latest.out()).toContain("run run-new issue ABC-1");
    expect(latest.out()).not.toContain("run-old");
  });
});
