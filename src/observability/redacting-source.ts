import type { ObserverEvent, OrchestratorSnapshot, StatusSource } from "../domain/snapshot.js";
import type { Redactor } from "./log/redact.js";

/**
 * The status source every surface reads (HTTP API, SSE, dashboard, terminal, run logs, event records),
 * with every string in snapshots and observer events passed through the service's one redactor. An
 * agent or hook that prints a secret (a model error echoing the API key) cannot carry it out through
 * any view.
 */
export function redactingSource(source: StatusSource, redactor: Redactor): StatusSource {
  let lastIn: OrchestratorSnapshot | null = null;
  let lastOut: OrchestratorSnapshot | null = null;
  return {
    snapshot() {
      const snapshot = source.snapshot();
      // the same snapshot object is asked for repeatedly between changes: walk it once
      if (snapshot !== lastIn) {
        lastIn = snapshot;
        lastOut = redactor.redactDeep(snapshot);
      }
      return lastOut as OrchestratorSnapshot;
    },
    subscribe(listener) {
      return source.subscribe((event: ObserverEvent) => listener(redactor.redactDeep(event)));
    },
    requestRefresh: () => source.requestRefresh(),
    // recorded run history leaves through the same redactor as live state
    ...(source.history === undefined
      ? {}
      : {
          history: async (identifier: string) => {
            const runs = await source.history?.(identifier);
            return runs === undefined ? [] : redactor.redactDeep(runs);
          },
        }),
  };
}
