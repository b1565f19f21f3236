import { basename, dirname, resolve } from "node:path";
import { type FSWatcher, watch } from "chokidar";
import { messageOf } from "../domain/errors.js";
import { type Logger, silentLogger } from "../domain/logger.js";
import { err, ok, type Result } from "../domain/result.js";
import type { WorkflowError } from "../domain/workflow-error.js";
import { type Clock, systemClock, type TimerHandle } from "../util/clock.js";
import { contentHash, type LoadOptions, loadWorkflowBytes, readWorkflowBytes } from "./loader.js";
import type { LoadedWorkflow, WorkflowSource } from "./types.js";
import { summariseErrors } from "./workflow-errors.js";

/** Options for {@link openWorkflowSource}. */
export interface FileWorkflowSourceOptions extends LoadOptions {
  readonly logger?: Logger;
  readonly clock?: Clock;
  /** Quiet period after a file event before re-reading (default 100 ms). */
  readonly debounceMs?: number;
  /** Watch the file for changes (default true); `revalidate()` works either way. */
  readonly watch?: boolean;
}

/** A file-backed {@link WorkflowSource}: watched, debounced, content-hashed, last-known-good. */
export interface FileWorkflowSource extends WorkflowSource {
  readonly path: string;
  /** Resolves once the file watcher is live (immediately when not watching). */
  ready(): Promise<void>;
  /** The error of the most recent failed reload, or null when the file currently loads. */
  lastError(): WorkflowError | null;
}

// A reload must never take the service down: an unexpected throw (a bug) becomes an error result.
function guardedLoad(
  bytes: Buffer,
  file: string,
  options: LoadOptions,
): Result<LoadedWorkflow, WorkflowError> {
  try {
    const loaded = loadWorkflowBytes(bytes, file, options);
    return loaded.ok ? loaded : err(summariseErrors(loaded.error));
  } catch (cause) {
    return err({
      code: "workflow_parse_error",
      message: `unexpected failure while loading: ${messageOf(cause)}`,
      path: file,
    });
  }
}

type Listener = (result: Result<LoadedWorkflow, WorkflowError>) => void;

/** Loads the workflow (startup fails on any error) and starts watching it for hot reload (spec 6.2). */
export function openWorkflowSource(
  path: string,
  options: FileWorkflowSourceOptions = {},
): Result<FileWorkflowSource, WorkflowError[]> {
  const file = resolve(path);
  const logger = options.logger ?? silentLogger;
  const clock = options.clock ?? systemClock;
  const debounceMs = options.debounceMs ?? 100;
  const bytes = readWorkflowBytes(file);
  if (!bytes.ok) return err([bytes.error]);
  const first = loadWorkflowBytes(bytes.value, file, options);
  if (!first.ok) return first;

  let current = first.value;
  let lastKey = current.contentHash;
  let lastResult: Result<LoadedWorkflow, WorkflowError> = ok(current);
  let timer: TimerHandle | null = null;
  let closed = false;
  const listeners = new Set<Listener>();

  const notify = (result: Result<LoadedWorkflow, WorkflowError>): void => {
    for (const listener of [...listeners]) {
      try {
        listener(result);
      } catch (cause) {
        logger.error("workflow listener failed", { path: file, error: String(cause) });
      }
    }
  };

  const revalidate = (): Result<LoadedWorkflow, WorkflowError> => {
    const read = readWorkflowBytes(file);
    let key: string;
    let result: Result<LoadedWorkflow, WorkflowError>;
    if (!read.ok) {
      key = `error:${read.error.code}:${read.error.message}`;
      if (key === lastKey) return lastResult;
      result = err(read.error);
    } else {
      key = contentHash(read.value);
      if (key === lastKey) return lastResult;
      result = guardedLoad(read.value, file, options);
    }
    lastKey = key;
    lastResult = result;
    if (result.ok) {
      current = result.value;
      logger.info("workflow reloaded", { path: file, content_hash: key.slice(0, 12) });
    } else {
      logger.error("workflow reload failed; keeping last known good configuration", {
        path: file,
        code: result.error.code,
        key: result.error.key,
        line: result.error.line,
        reason: result.error.message,
      });
    }
    notify(result);
    return result;
  };

  const schedule = (): void => {
    if (closed) return;
    if (timer !== null) clock.clearTimer(timer);
    timer = clock.setTimer(debounceMs, () => {
      timer = null;
      if (!closed) revalidate();
    });
  };

  let watcher: FSWatcher | null = null;
  let readyPromise: Promise<void> = Promise.resolve();
  if (options.watch !== false) {
    // Watch the directory, not the file: editors that save by renaming a temp file over it replace the inode.
    const dir = dirname(file);
    const name = basename(file);
    const w = watch(dir, {
      depth: 0,
      ignoreInitial: true,
      ignored: (p: string) => p !== dir && basename(p) !== name,
    });
    watcher = w;
    w.on("all", (_event, changed) => {
      if (resolve(changed) === file) schedule();
    });
    w.on("error", (cause) => logger.warn("workflow watcher error", { path: file, error: String(cause) }));
    readyPromise = new Promise((done) => w.once("ready", () => done()));
  }

  return ok({
    path: file,
    current: () => current,
    revalidate,
    subscribe(listener: Listener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    ready: () => readyPromise,
    lastError: () => (lastResult.ok ? null : lastResult.error),
    async close(): Promise<void> {
      closed = true;
      if (timer !== null) clock.clearTimer(timer);
      timer = null;
      listeners.clear();
      await watcher?.close();
    },
  });
}
