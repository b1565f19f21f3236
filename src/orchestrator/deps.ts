import type { ServiceConfig } from "../config/types.js";
import type { Logger } from "../domain/logger.js";
import type { CircuitBreakers } from "../spend/breaker.js";
import type { SpendGuard } from "../spend/guard.js";
import type { TrackerAdapter } from "../tracker/adapter.js";
import type { Clock } from "../util/clock.js";
import type { WorkflowSource } from "../workflow/types.js";
import type { WorkspaceManager } from "../workspace/manager.js";
import type { Journal } from "./journal.js";
import type { WorkerLauncher } from "./worker.js";

/** What the orchestrator is composed from. */
export interface OrchestratorDeps {
  readonly workflow: WorkflowSource;
  /** The current tracker adapter (the service may rebuild it when the tracker config changes). */
  readonly tracker: () => TrackerAdapter;
  readonly launch: WorkerLauncher;
  readonly workspaces: WorkspaceManager;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Dispatch preflight (spec 6.3): an operator-facing problem, or null when dispatch may proceed. */
  readonly preflight?: (config: ServiceConfig) => string | null;
  /** Spend control: caps, budgets and no-progress detection (absent = no limits, for unit tests only). */
  readonly spend?: SpendGuard;
  /** Circuit breakers per agent backend and tracker (absent = none, for unit tests only). */
  readonly breakers?: CircuitBreakers;
  /** A fingerprint of a workspace's content on a host (null when it cannot be read), for no-progress. */
  readonly probeWorkspace?: (host: string, path: string) => Promise<string | null>;
  /** How long `stop()` lets runs finish `after_run` before aborting cleanup too. */
  readonly shutdownGraceMs?: number;
  /** Durable state: records attempts, retries and blocked issues; restores them; leases claims. */
  readonly journal?: Journal;
}
