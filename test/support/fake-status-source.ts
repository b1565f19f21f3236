import type { ObserverEvent, OrchestratorSnapshot, StatusSource } from "../../src/domain/snapshot.js";
import { buildSnapshot } from "./snapshot-fixtures.js";

/** An in-process StatusSource for tests: set snapshots, emit observer events, count refresh requests. */
export class FakeStatusSource implements StatusSource {
  #snapshot: OrchestratorSnapshot;
  #listeners = new Set<(event: ObserverEvent) => void>();
  /** How many times `requestRefresh()` was called. */
  refreshRequests = 0;
  /** How many times `snapshot()` was called. */
  snapshotCalls = 0;

  constructor(initial: OrchestratorSnapshot = buildSnapshot()) {
    this.#snapshot = initial;
  }

  snapshot(): OrchestratorSnapshot {
    this.snapshotCalls += 1;
    return this.#snapshot;
  }

  subscribe(listener: (event: ObserverEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Set to answer refreshes as a stopping service does. */
  stopping = false;

  requestRefresh(): { readonly coalesced: boolean; readonly stopping?: boolean } {
    this.refreshRequests += 1;
    if (this.stopping) return { coalesced: false, stopping: true };
    return { coalesced: this.refreshRequests > 1 };
  }

  /** Number of current subscribers. */
  get listenerCount(): number {
    return this.#listeners.size;
  }

  /** Replaces the snapshot and tells subscribers (`snapshot_changed`). */
  set(snapshot: OrchestratorSnapshot): void {
    this.#snapshot = snapshot;
    this.emit({ type: "snapshot_changed" });
  }

  /** Sends one observer event to every subscriber. */
  emit(event: ObserverEvent): void {
    for (const listener of [...this.#listeners]) listener(event);
  }
}
