import { LABELS } from "./container-spec.js";
import type { EngineClient } from "./engine-client.js";

/** Which Symphony containers to remove: all of a service, or only one process's. */
export interface ReapScope {
  readonly serviceId: string;
  /** Only this instance's containers; omitted = every instance of the service (startup). */
  readonly instanceId?: string;
}

/** Force-removes the matching labelled containers on one engine; returns how many it removed. */
export async function reapContainers(engine: EngineClient, scope: ReapScope): Promise<number> {
  const labels = [`${LABELS.managed}=1`, `${LABELS.service}=${scope.serviceId}`];
  if (scope.instanceId !== undefined) labels.push(`${LABELS.instance}=${scope.instanceId}`);
  const filters = encodeURIComponent(JSON.stringify({ label: labels }));
  const found = await engine.call<{ Id: string }[]>("GET", `/containers/json?all=1&filters=${filters}`);
  let removed = 0;
  for (const container of found ?? []) {
    try {
      await engine.call("DELETE", `/containers/${container.Id}?force=1&v=1`, undefined, {
        okStatuses: [404, 409],
      });
      removed += 1;
    } catch {
      // another reaper got there first, or the engine went away: the next sweep tries again
    }
  }
  return removed;
}
