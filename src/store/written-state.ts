import type { AttemptRecord, BlockedRecord, RetryRecord } from "../domain/run-record.js";
import type { AttemptUpdate, SchedulingView } from "../orchestrator/journal.js";
import type { StoreWrite } from "./sql-store.js";

type Section = "retries" | "blocked" | "running";

/** What the store was last told about retries, blocked issues and running attempts (as JSON per row). */
export class WrittenState {
  #written: Record<Section, Map<string, string>> = {
    retries: new Map(),
    blocked: new Map(),
    running: new Map(),
  };

  /** Forgets a running attempt (it ended; its final record is written separately). */
  forgetRun(runId: string): void {
    this.#written.running.delete(runId);
  }

  /**
   * The writes that bring the store up to `view`; `commit` once they are written. Running attempts
   * are checkpointed (tokens, turns, session) so a crash loses at most one flush of counts.
   */
  diff(
    view: SchedulingView,
    record: (a: AttemptUpdate) => AttemptRecord,
  ): { writes: StoreWrite[]; commit: () => void } {
    const writes: StoreWrite[] = [];
    const next: Record<Section, Map<string, string>> = {
      retries: new Map(),
      blocked: new Map(),
      running: new Map(),
    };
    const sync = <T>(
      rows: readonly T[],
      key: (r: T) => string,
      section: Section,
      put: (r: T) => StoreWrite,
      del: ((id: string) => StoreWrite) | null,
    ) => {
      for (const r of rows) {
        const id = key(r);
        const json = JSON.stringify(r);
        next[section].set(id, json);
        if (this.#written[section].get(id) !== json) writes.push(put(r));
      }
      if (del === null) return;
      for (const id of this.#written[section].keys()) if (!next[section].has(id)) writes.push(del(id));
    };
    sync<RetryRecord>(
      view.retries,
      (r) => r.issueId,
      "retries",
      (r) => ({ type: "retry_put", record: r }),
      (issueId) => ({ type: "retry_delete", issueId }),
    );
    sync<BlockedRecord>(
      view.blocked,
      (r) => r.issueId,
      "blocked",
      (r) => ({ type: "blocked_put", record: r }),
      (issueId) => ({ type: "blocked_delete", issueId }),
    );
    sync<AttemptUpdate>(
      view.running,
      (r) => r.runId,
      "running",
      (a) => ({ type: "attempt", record: record(a) }),
      null,
    );
    return {
      writes,
      commit: () => {
        this.#written = next;
      },
    };
  }
}
