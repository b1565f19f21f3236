import { readFile, stat, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { AgentEvent } from "../../../src/domain/agent-event.js";
import type { ObserverEvent } from "../../../src/domain/snapshot.js";
import { runLogFiles, safeSegment } from "../../../src/observability/run-logs/paths.js";
import { startRunLogRecorder } from "../../../src/observability/run-logs/recorder.js";
import { FakeStatusSource } from "../../support/fake-status-source.js";
import { ManualClock } from "../../support/manual-clock.js";
import { buildSnapshot, FIXTURE_NOW, runningRow } from "../../support/snapshot-fixtures.js";
import { makeTempDir } from "../../support/temp-dir.js";
import { warningLogger } from "../../support/warning-logger.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(limits: { maxLogBytes?: number; maxEventsBytes?: number } = {}, root?: string) {
  const tmp = await makeTempDir("symphony-runlogs-");
  cleanups.push(tmp.cleanup);
  const logsRoot = root ?? tmp.path;
  const source = new FakeStatusSource(buildSnapshot());
  const { logger, warnings } = warningLogger();
  const clock = new ManualClock(FIXTURE_NOW);
  const recorder = startRunLogRecorder({ source, logsRoot, clock, logger, ...limits });
  cleanups.push(() => recorder.close());
  return { logsRoot, source, recorder, warnings, tmp };
}

// Lifecycle events as the orchestrator emits them.
const lifecycle = (event: ObserverEvent): ObserverEvent => event;
const agent = (identifier: string, event: AgentEvent): ObserverEvent => ({
  type: "agent_event",
  issueId: `id-${identifier}`,
  identifier,
  event,
});

describe("per-issue run logs", () => {
  it("writes <identifier>/<run-id>.log with agent events and hook results, and <run-id>.events.jsonl", async () => {
    const { logsRoot, source, recorder } = await setup();
    source.emit(
      lifecycle({ type: "run_started", issueId: "id-MT-1", identifier: "MT-1", runId: "r-1", attempt: null }),
    );
    source.emit(
      lifecycle({
        type: "hook_finished",
        issueId: "id-MT-1",
        identifier: "MT-1",
        hook: "before_run",
        ok: true,
        exitCode: 0,
        timedOut: false,
        durationMs: 12,
        output: "installing deps\ndone",
      }),
    );
    const events: AgentEvent[] = [
      {
        type: "session_started",
        at: FIXTURE_NOW,
        sessionId: "th-tu",
        threadId: "th",
        turnId: "tu",
        pid: "77",
      },
      { type: "output", at: FIXTURE_NOW, stream: "stdout", line: "edited README.md" },
      { type: "token_usage", at: FIXTURE_NOW, totals: { inputTokens: 10, outputTokens: 5, totalTokens: 15 } },
      { type: "turn_completed", at: FIXTURE_NOW, turn: 1, message: "done" },
    ];
    for (const e of events) source.emit(agent("MT-1", e));
    source.emit(
      lifecycle({
        type: "run_ended",
        issueId: "id-MT-1",
        identifier: "MT-1",
        runId: "r-1",
        outcome: "completed",
        reason: null,
        error: null,
        usage: { turns: 1, totalTokens: 15, costUsd: 0.0123 },
      }),
    );
    const files = recorder.lookup("MT-1");
    expect(files).toEqual(runLogFiles(logsRoot, "MT-1", "r-1"));
    expect(files?.log).toBe(join(logsRoot, "MT-1", "r-1.log"));
    await recorder.close();

    const log = (await readFile(join(logsRoot, "MT-1", "r-1.log"), "utf8")).trimEnd().split("\n");
    expect(log).toEqual([
      "2026-01-01T12:00:00.000Z [run] started run_id=r-1 issue_id=id-MT-1 issue_identifier=MT-1 attempt=first",
      "2026-01-01T12:00:00.000Z [hook] before_run ok duration_ms=12",
      "2026-01-01T12:00:00.000Z [hook before_run] installing deps",
      "2026-01-01T12:00:00.000Z [hook before_run] done",
      "2026-01-01T12:00:00.000Z [session_started] session started (th-tu)",
      "2026-01-01T12:00:00.000Z [stdout] stdout: edited README.md",
      "2026-01-01T12:00:00.000Z [token_usage] tokens in 10 out 5 total 15",
      "2026-01-01T12:00:00.000Z [turn_completed] turn 1 completed: done",
      "2026-01-01T12:00:00.000Z [run] ended outcome=completed turns=1 tokens=15 cost_usd=0.0123",
    ]);
    const jsonl = (await readFile(join(logsRoot, "MT-1", "r-1.events.jsonl"), "utf8")).trimEnd().split("\n");
    expect(jsonl.map((l) => (JSON.parse(l) as { event: AgentEvent }).event)).toEqual(events);
    expect(JSON.parse(jsonl[0]!)).toMatchObject({
      issue_id: "id-MT-1",
      issue_identifier: "MT-1",
      run_id: "r-1",
    });
  });

  it("an agent event without run_started finds its run id in the snapshot", async () => {
    const { logsRoot, source, recorder } = await setup();
    source.set(buildSnapshot({ running: [runningRow({ identifier: "LATE-1", runId: "run-77" })] }));
    source.emit(agent("LATE-1", { type: "notification", at: FIXTURE_NOW, method: "x", summary: "hello" }));
    source.emit(agent("GHOST-1", { type: "notification", at: FIXTURE_NOW, method: "x", summary: "nobody" }));
    await recorder.close();
    expect(await readFile(join(logsRoot, "LATE-1", "run-77.log"), "utf8")).toContain("[notification] hello");
    expect(recorder.lookup("GHOST-1")).toBeNull();
  });

  it("a hostile identifier or run id cannot escape the logs root", async () => {
    const { logsRoot, source, recorder } = await setup();
    for (const id of ["../../etc", "..", "a/b", "x\u0000y"]) {
      source.emit(
        lifecycle({ type: "run_started", issueId: `i-${id}`, identifier: id, runId: "../r", attempt: 1 }),
      );
      const files = recorder.lookup(id);
      expect(files).not.toBeNull();
      for (const path of [files!.log, files!.events]) {
        const rel = relative(logsRoot, path);
        expect(rel.startsWith("..")).toBe(false);
        expect(rel.split("/")).toHaveLength(2);
      }
    }
    expect(safeSegment("a/b")).not.toBe(safeSegment("a?b"));
    expect(safeSegment("MT-1")).toBe("MT-1");
  });

  it("the run log is size-capped with a marker line; later output is dropped", async () => {
    const { logsRoot, source, recorder } = await setup({ maxLogBytes: 2_000 });
    source.emit(
      lifecycle({ type: "run_started", issueId: "id-FLOOD", identifier: "FLOOD", runId: "r", attempt: null }),
    );
    for (let i = 0; i < 500; i++) {
      source.emit(
        agent("FLOOD", {
          type: "output",
          at: FIXTURE_NOW,
          stream: "stderr",
          line: `line ${i} ${"z".repeat(50)}`,
        }),
      );
    }
    await recorder.close();
    const path = join(logsRoot, "FLOOD", "r.log");
    const size = (await stat(path)).size;
    expect(size).toBeLessThanOrEqual(2_000 + 100);
    const text = await readFile(path, "utf8");
    expect(text).toContain("[log capped at 2000 bytes; later output dropped]");
    expect(text).not.toContain("line 499");
    // the events record has its own (larger) cap and kept everything
    const events = (await readFile(join(logsRoot, "FLOOD", "r.events.jsonl"), "utf8")).trimEnd().split("\n");
    expect(events).toHaveLength(500);
  });

  it("17.6: a failing log sink is reported once and does not reach the orchestrator", async () => {
    const tmp = await makeTempDir("symphony-runlogs-file-");
    cleanups.push(tmp.cleanup);
    const notADir = join(tmp.path, "file");
    await writeFile(notADir, "x");
    const { source, warnings, recorder } = await setup({}, notADir);
    source.emit(
      lifecycle({ type: "run_started", issueId: "id-A", identifier: "A", runId: "r", attempt: null }),
    );
    expect(() =>
      source.emit(agent("A", { type: "notification", at: FIXTURE_NOW, method: "m", summary: "still fine" })),
    ).not.toThrow();
    await recorder.close();
    const sinkWarnings = warnings.filter((w) => w.message === "run log sink failed");
    expect(sinkWarnings.length).toBeGreaterThanOrEqual(1);
    expect(sinkWarnings.length).toBeLessThanOrEqual(2); // at most once per file
  });

  it("close() ends open runs with outcome=cancelled reason=shutdown and unsubscribes", async () => {
    const { logsRoot, source, recorder } = await setup();
    source.emit(lifecycle({ type: "run_started", issueId: "id-S", identifier: "S", runId: "r", attempt: 2 }));
    await recorder.close();
    expect(source.listenerCount).toBe(0);
    const text = await readFile(join(logsRoot, "S", "r.log"), "utf8");
    expect(text).toContain("attempt=2");
    expect(text.trimEnd().endsWith("[run] ended outcome=cancelled reason=shutdown")).toBe(true);
  });
});
