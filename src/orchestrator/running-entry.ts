import type { Issue } from "../domain/issue.js";
import type { ResumeWith, RunningEntry } from "./state.js";

/** A fresh running entry for a dispatched issue (spec 16.4). */
export function newRunningEntry(fields: {
  readonly issue: Issue;
  readonly runId: string;
  readonly attempt: number | null;
  readonly now: number;
  readonly backend: string;
  /** The `profiles:` entry that chose the backend, null for the top-level `agent.backend`. */
  readonly profile?: string | null;
  readonly host: string;
  /** A tracker answer this attempt resumes with. */
  readonly resume?: ResumeWith | null;
}): RunningEntry {
  return {
    issue: fields.issue,
    runId: fields.runId,
    attempt: fields.attempt,
    startedAt: fields.now,
    controller: new AbortController(),
    backend: fields.backend,
    profile: fields.profile ?? null,
    host: fields.host,
    stop: null,
    workspacePath: null,
    sessionId: null,
    threadId: fields.resume?.threadId ?? null,
    resume: fields.resume ?? null,
    pid: null,
    turnCount: 0,
    lastEvent: null,
    lastMessage: null,
    lastEventAt: null,
    lastProgressAt: null,
    tokens: { input: 0, output: 0, total: 0 },
    reported: { input: 0, output: 0, total: 0 },
    input: null,
    model: null,
    costUsd: 0,
    costKnown: false,
    cachedInputReported: 0,
    costReported: 0,
    workspaceAtStart: null,
    recent: [
      {
        at: fields.now,
        event: "dispatch",
        message:
          fields.resume != null
            ? "resumed with the answer from the tracker"
            : fields.attempt === null
              ? "dispatched"
              : `dispatched (attempt ${fields.attempt})`,
      },
    ],
  };
}
