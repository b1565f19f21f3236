import type { HostResolver } from "../hosts/host-resolver.js";
import type { WorkerLauncher } from "../orchestrator/worker.js";
import { type PublisherDeps, publishWorkspace } from "./publisher.js";

/**
 * Wraps the worker launcher: after an attempt that completed normally, with `publish:` configured and
 * the workspace on this machine, Symphony publishes it before the run counts as ended (so the next poll
 * already sees the hand-off state). Every other exit passes through untouched.
 */
export function withPublishing(
  launch: WorkerLauncher,
  deps: PublisherDeps & { readonly hosts: HostResolver },
): WorkerLauncher {
  return async (request) => {
    let path: string | null = null;
    const exit = await launch({
      ...request,
      onWorkspace: (p) => {
        path = p;
        request.onWorkspace(p);
      },
    });
    const settings = request.workflow.config.publish ?? null;
    if (exit.outcome !== "completed" || settings === null || path === null) return exit;
    if (!deps.hosts(request.host).localFilesystem) {
      deps.logger.warn("publishing skipped: the workspace is not on this machine", {
        issue_identifier: request.issue.identifier,
        host: request.host,
      });
      return exit;
    }
    await publishWorkspace(request.issue, path, settings, deps, request.cleanupSignal);
    return exit;
  };
}
