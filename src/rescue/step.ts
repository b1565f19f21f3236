import type { Logger } from "../domain/logger.js";
import {
  pushRescue,
  type RescueRecord,
  type RescueRequest,
  rescueComment,
  rescueWorkspace,
} from "./rescue.js";
import type { RescueSettings } from "./settings.js";

/** Saves a workspace's unsaved work; resolves true when the workspace may now be removed. */
export type RescueStep = (request: RescueRequest) => Promise<boolean>;

/** What the rescue step is built from. */
export interface RescueStepDeps {
  readonly settings: () => RescueSettings;
  readonly logger: Logger;
  /** Tells the tracker where the work went (a comment on the issue); never awaited by removal. */
  readonly announce: (issue: RescueRequest["issue"], body: string) => void;
  /** Environment for `git push` of the rescue branch (`workspace.rescue.push`). */
  readonly pushEnv: () => Readonly<Record<string, string>>;
  /** Called with every rescue kept (for tests and the run history). */
  readonly onRescued?: (record: RescueRecord) => void;
}

/**
 * The one step every workspace removal goes through (terminal state, startup cleanup, a person moving
 * the issue) and that parking by a limit runs too: a failed rescue keeps the workspace and says so.
 */
export function createRescueStep(deps: RescueStepDeps): RescueStep {
  return async (request) => {
    const settings = deps.settings();
    if (!settings.enabled) return true;
    const log = deps.logger.child({ issue_id: request.issue.id, issue_identifier: request.issue.identifier });
    const rescued = await rescueWorkspace(request, settings);
    if (!rescued.ok) {
      log.error("workspace kept: rescue failed", {
        path: request.workspacePath,
        host: request.host.name,
        kind: rescued.error.kind,
        error: rescued.error.message,
      });
      return false;
    }
    const record = rescued.value;
    if (record === null) return true;
    log.warn("workspace work rescued", {
      rescue_id: record.id,
      kind: record.kind,
      file: record.file,
      bytes: record.bytes,
      branch: record.branch,
    });
    deps.onRescued?.(record);
    deps.announce(request.issue, rescueComment(record));
    if (settings.push && record.kind === "git") {
      const pushed = await pushRescue(record, request.host, deps.pushEnv());
      if (!pushed.ok) log.warn("rescue branch push failed", { branch: record.branch, error: pushed.error });
    }
    return true;
  };
}
