import type { ObserverEvent } from "../domain/snapshot.js";

/**
 * Run lifecycle observer events (`run_started`, `hook_finished`, `run_ended`), read structurally so
 * this code works whether or not the seam's ObserverEvent union already lists them; any other or
 * malformed event gives null.
 */
export type LifecycleEvent =
  | {
      readonly type: "run_started";
      readonly issueId: string;
      readonly identifier: string;
      readonly runId: string;
      readonly attempt: number | null;
    }
  | {
      readonly type: "hook_finished";
      readonly issueId: string;
      readonly identifier: string;
      readonly hook: string;
      readonly ok: boolean;
      readonly exitCode: number | null;
      readonly timedOut: boolean;
      readonly durationMs: number;
      /** Captured hook output, when the orchestrator passes it on. */
      readonly output: string | null;
    }
  | {
      readonly type: "run_ended";
      readonly issueId: string;
      readonly identifier: string;
      readonly runId: string;
      readonly outcome: string;
      readonly reason: string | null;
    };

const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/** The lifecycle event inside an observer event, or null. */
export function lifecycleEvent(event: ObserverEvent): LifecycleEvent | null {
  // validated protocol boundary: fields are checked one by one below
  const e = event as unknown as Readonly<Record<string, unknown>>;
  const issueId = str(e.issueId);
  const identifier = str(e.identifier);
  if (issueId === null || identifier === null) return null;
  switch (e.type) {
    case "run_started": {
      const runId = str(e.runId);
      return runId === null
        ? null
        : { type: "run_started", issueId, identifier, runId, attempt: num(e.attempt) };
    }
    case "hook_finished":
      return {
        type: "hook_finished",
        issueId,
        identifier,
        hook: str(e.hook) ?? "hook",
        ok: e.ok === true,
        exitCode: num(e.exitCode),
        timedOut: e.timedOut === true,
        durationMs: num(e.durationMs) ?? 0,
        output: str(e.output),
      };
    case "run_ended": {
      const runId = str(e.runId);
      if (runId === null) return null;
      return {
        type: "run_ended",
        issueId,
        identifier,
        runId,
        outcome: str(e.outcome) ?? "unknown",
        reason: str(e.reason),
      };
    }
    default:
      return null;
  }
}
