import { join } from "node:path";
import type { AgentEvent } from "../../../src/domain/agent-event.js";
import type { WorkerExit, WorkerLauncher, WorkerRequest } from "../../../src/orchestrator/worker.js";
import { workspaceKey } from "../../../src/workspace/key.js";

interface Pending {
  readonly request: WorkerRequest;
  readonly resolve: (exit: WorkerExit) => void;
}

/**
 * An in-process worker launcher for orchestrator unit tests: every run stays live until the test
 * finishes it; an aborted run ends as `cancelled` on its own, like a real worker.
 */
export class ControlledLauncher {
  readonly requests: WorkerRequest[] = [];
  readonly #live = new Map<string, Pending>();
  readonly #root: string;

  /** `root` is where reported workspace paths live (`<root>/<key>`). */
  constructor(root: string) {
    this.#root = root;
  }

  readonly launch: WorkerLauncher = (request) =>
    new Promise<WorkerExit>((resolve) => {
      this.requests.push(request);
      this.#live.set(request.issue.id, { request, resolve });
      request.onWorkspace(join(this.#root, workspaceKey(request.issue.identifier)));
      request.signal.addEventListener("abort", () => {
        if (this.#live.get(request.issue.id)?.request === request) {
          this.#live.delete(request.issue.id);
          resolve({ outcome: "cancelled", reason: String(request.signal.reason) });
        }
      });
    });

  /** Ids with a live run. */
  live(): string[] {
    return [...this.#live.keys()];
  }

  /** The live request for an issue. */
  request(issueId: string): WorkerRequest {
    const p = this.#live.get(issueId);
    if (p === undefined) throw new Error(`no live run for ${issueId}`);
    return p.request;
  }

  /** Sends an agent event from the live run. */
  emit(issueId: string, event: AgentEvent): void {
    this.request(issueId).onEvent(event);
  }

  /** Ends the live run with the given exit. */
  finish(issueId: string, exit: WorkerExit): void {
    const p = this.#live.get(issueId);
    if (p === undefined) throw new Error(`no live run for ${issueId}`);
    this.#live.delete(issueId);
    p.resolve(exit);
  }
}
