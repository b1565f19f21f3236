import { renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { LogFields, Logger } from "../../src/domain/logger.js";
import type { Result } from "../../src/domain/result.js";
import type { WorkflowError } from "../../src/domain/workflow-error.js";
import { type FileWorkflowSource, openWorkflowSource } from "../../src/workflow/file-source.js";
import type { LoadedWorkflow } from "../../src/workflow/types.js";
import { ManualClock } from "../support/manual-clock.js";
import { makeTempDir } from "../support/temp-dir.js";
import { until } from "../support/until.js";
import { writeWorkflow } from "../support/workflow-fixtures.js";

function recordingLogger() {
  const lines: Array<{ level: string; message: string; fields: LogFields }> = [];
  const make = (bound: LogFields): Logger => ({
    debug: (message, fields = {}) => lines.push({ level: "debug", message, fields: { ...bound, ...fields } }),
    info: (message, fields = {}) => lines.push({ level: "info", message, fields: { ...bound, ...fields } }),
    warn: (message, fields = {}) => lines.push({ level: "warn", message, fields: { ...bound, ...fields } }),
    error: (message, fields = {}) => lines.push({ level: "error", message, fields: { ...bound, ...fields } }),
    child: (fields) => make({ ...bound, ...fields }),
  });
  return { logger: make({}), lines };
}

const fm = (interval: number) => `tracker:\n  kind: memory\npolling:\n  interval_ms: ${interval}\n`;

let dir: string;
let cleanup: () => Promise<void>;
let source: FileWorkflowSource | undefined;
beforeEach(async () => {
  ({ path: dir, cleanup } = await makeTempDir());
});
afterEach(async () => {
  await source?.close();
  source = undefined;
  await cleanup();
});

function open(path: string, clock: ManualClock, logger?: Logger, watch = true): FileWorkflowSource {
  const r = openWorkflowSource(path, { clock, env: {}, watch, ...(logger ? { logger } : {}) });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  source = r.value;
  return r.value;
}

/** Waits for the debounce timer a file event arms, then fires it by advancing the manual clock. */
async function fireDebounce(clock: ManualClock): Promise<void> {
  await until(() => clock.pendingTimers > 0, 5_000, "a file event to arm the debounce timer");
  clock.advance(100);
}

describe("hot reload (spec 6.2)", () => {
  it("17.1: workflow file changes are detected and trigger re-read/re-apply without restart", async () => {
    const path = writeWorkflow(dir, fm(1000), "v1 {{ issue.identifier }}");
    const clock = new ManualClock();
    const s = open(path, clock);
    await s.ready();
    const seen: Array<Result<LoadedWorkflow, WorkflowError>> = [];
    s.subscribe((r) => seen.push(r));
    writeWorkflow(dir, fm(2000), "v2 {{ issue.identifier }}");
    await fireDebounce(clock);
    expect(seen).toHaveLength(1);
    expect(s.current().config.polling.intervalMs).toBe(2000);
    expect(s.current().promptTemplate).toBe("v2 {{ issue.identifier }}");
  });

  it("editors that save by atomic rename are picked up", async () => {
    const path = writeWorkflow(dir, fm(1000), "v1");
    const clock = new ManualClock();
    const s = open(path, clock);
    await s.ready();
    writeFileSync(join(dir, ".WORKFLOW.md.swp"), `---\n${fm(3000)}---\nv3\n`);
    renameSync(join(dir, ".WORKFLOW.md.swp"), path);
    await fireDebounce(clock);
    expect(s.current().config.polling.intervalMs).toBe(3000);
    // A second rename-save still fires: the watcher survived the inode change. (chokidar folds events on
    // one path inside its ~100 ms atomic-save window, so the second save comes a moment later, as a person's would.)
    await new Promise((r) => setTimeout(r, 250));
    writeFileSync(join(dir, ".WORKFLOW.md.swp"), `---\n${fm(4000)}---\nv4\n`);
    renameSync(join(dir, ".WORKFLOW.md.swp"), path);
    await fireDebounce(clock);
    expect(s.current().config.polling.intervalMs).toBe(4000);
  });

  it("17.1: invalid workflow reload keeps last known good config and emits an operator-visible error", async () => {
    const path = writeWorkflow(dir, fm(1000), "good");
    const clock = new ManualClock();
    const { logger, lines } = recordingLogger();
    const s = open(path, clock, logger);
    await s.ready();
    const seen: Array<Result<LoadedWorkflow, WorkflowError>> = [];
    s.subscribe((r) => seen.push(r));
    writeFileSync(path, "---\ntracker: [unclosed\n---\nbad\n");
    await fireDebounce(clock);
    expect(seen[0]?.ok).toBe(false);
    expect(s.current().config.polling.intervalMs).toBe(1000);
    expect(s.current().promptTemplate).toBe("good");
    expect(s.lastError()?.code).toBe("workflow_parse_error");
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: "error",
        message: "workflow reload failed; keeping last known good configuration",
        fields: expect.objectContaining({ code: "workflow_parse_error", path }),
      }),
    );
  });

  it("bursts of events are debounced into one reload", async () => {
    const path = writeWorkflow(dir, fm(1000), "v1");
    const clock = new ManualClock();
    const s = open(path, clock);
    await s.ready();
    let reloads = 0;
    s.subscribe(() => {
      reloads += 1;
    });
    for (const n of [2000, 3000, 4000]) writeWorkflow(dir, fm(n), "v");
    await until(() => clock.pendingTimers > 0);
    expect(clock.pendingTimers).toBe(1);
    clock.advance(100);
    expect(reloads).toBe(1);
    expect(s.current().config.polling.intervalMs).toBe(4000);
  });

  it("6.2: revalidate() re-reads a changed file even when no watch event arrived", () => {
    const path = writeWorkflow(dir, fm(1000), "v1");
    const s = open(path, new ManualClock(), undefined, false);
    const before = s.current();
    expect(s.revalidate()).toEqual({ ok: true, value: before });
    writeWorkflow(dir, fm(5000), "v2");
    const after = s.revalidate();
    expect(after.ok && after.value.config.polling.intervalMs).toBe(5000);
    expect(s.current()).not.toBe(before);
  });

  it("revalidate() keeps returning the error while the file stays bad, without re-notifying", () => {
    const path = writeWorkflow(dir, fm(1000), "v1");
    const s = open(path, new ManualClock(), undefined, false);
    let notified = 0;
    s.subscribe(() => {
      notified += 1;
    });
    rmSync(path);
    const first = s.revalidate();
    const second = s.revalidate();
    expect(!first.ok && first.error.code).toBe("missing_workflow_file");
    expect(second).toEqual(first);
    expect(notified).toBe(1);
    expect(s.current().config.polling.intervalMs).toBe(1000);
    writeWorkflow(dir, fm(1000), "v1");
    expect(s.revalidate().ok).toBe(true);
    expect(s.lastError()).toBeNull();
  });

  it("a listener that throws does not break reloads; unsubscribe stops delivery", () => {
    const path = writeWorkflow(dir, fm(1000), "v1");
    const { logger, lines } = recordingLogger();
    const s = open(path, new ManualClock(), logger, false);
    const off = s.subscribe(() => {
      throw new Error("listener bug");
    });
    writeWorkflow(dir, fm(2000), "v2");
    expect(s.revalidate().ok).toBe(true);
    expect(lines.some((l) => l.message === "workflow listener failed")).toBe(true);
    off();
    writeWorkflow(dir, fm(3000), "v3");
    s.revalidate();
    expect(lines.filter((l) => l.message === "workflow listener failed")).toHaveLength(1);
  });

  it("startup fails with typed errors when the first load fails", () => {
    const r = openWorkflowSource(join(dir, "missing.md"), { watch: false });
    expect(!r.ok && r.error[0]?.code).toBe("missing_workflow_file");
    writeFileSync(join(dir, "bad.md"), "---\nagent: {max_turns: 0}\n---\n");
    const bad = openWorkflowSource(join(dir, "bad.md"), { watch: false, env: {} });
    expect(!bad.ok && bad.error.map((e) => e.code)).toContain("invalid_workflow_config");
  });

  it("close() stops the watcher and clears the pending debounce timer", async () => {
    const path = writeWorkflow(dir, fm(1000), "v1");
    const clock = new ManualClock();
    const s = open(path, clock);
    await s.ready();
    writeWorkflow(dir, fm(2000), "v2");
    await until(() => clock.pendingTimers > 0);
    await s.close();
    expect(clock.pendingTimers).toBe(0);
    source = undefined;
  });
});
