import type { WorkerConfig } from "../../config/types.js";
import { HOSTS } from "../../kinds.js";
import { checkAgent } from "./agent-check.js";
import { type CheckResult, runWithTimeout } from "./check.js";
import { checkWritableDir } from "./directory-check.js";
import { checkHooks } from "./hooks-check.js";
import { checkWorkspaceOwnership } from "./ownership-check.js";
import { checkServer } from "./server-check.js";
import { checkSshHosts } from "./ssh-check.js";
import { checkTracker } from "./tracker-check.js";
import { checkWorkflow } from "./workflow-check.js";

/** Default per-check deadline. */
export const DEFAULT_CHECK_TIMEOUT_MS = 10_000;

/** What `symphony doctor` checks. */
export interface DoctorOptions {
  readonly workflowPath: string;
  readonly env: NodeJS.ProcessEnv;
  /** Also start a real agent session (codex/command) or send one tiny model request (builtin). */
  readonly deep?: boolean;
  /** `--logs-root`: checked for writability when given. */
  readonly logsRoot?: string;
  /** `--port`: overrides `server.port` as `symphony run --port` would. */
  readonly port?: number;
  /** Per-check deadline (default 10 s). */
  readonly timeoutMs?: number;
}

/**
 * Runs every check, in a fixed order, each under its own deadline; when the workflow does not load
 * nothing else can be checked and only that result is returned.
 */
export async function runDoctor(options: DoctorOptions): Promise<readonly CheckResult[]> {
  const timeout = options.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const { env } = options;
  const workflow = checkWorkflow(options.workflowPath, env);
  if (workflow.workflow === null) return workflow.results;
  const { config } = workflow.workflow;
  const logsRoot = options.logsRoot;
  const checks: Array<Promise<readonly CheckResult[]>> = [
    runWithTimeout("tracker", timeout, (signal) => checkTracker(config, signal)),
    runWithTimeout("agent", options.deep === true ? timeout * 3 : timeout, (signal) =>
      checkAgent(config, env, options.deep === true, signal),
    ),
    runWithTimeout("workspace root", timeout, () =>
      checkWritableDir("workspace root", "workspace.root", config.workspace.root, { diskSpace: true }),
    ),
    ...(config.worker.sshHosts.length > 0
      ? []
      : [
          runWithTimeout("workspace ownership", timeout, () =>
            checkWorkspaceOwnership(config.workspace.root),
          ),
        ]),
    ...(logsRoot === undefined
      ? []
      : [runWithTimeout("logs root", timeout, () => checkWritableDir("logs root", "--logs-root", logsRoot))]),
    runWithTimeout("hooks", timeout, (signal) => checkHooks(config, env, signal)),
    runWithTimeout("server", timeout, () => checkServer(config.server, options.port ?? null)),
    ...hostKindChecks(config.worker, timeout),
    ...(config.worker.sshHosts.length === 0
      ? []
      : [
          runWithTimeout("ssh", timeout + 5_000, (signal) =>
            checkSshHosts(config.worker.sshHosts, env, signal, { connectTimeoutMs: timeout }),
          ),
        ]),
  ];
  return [...workflow.results, ...(await Promise.all(checks)).flat()];
}

/** One line per check: `ok   name  detail`, warn/fail lines end with `→ fix`. */
export function formatResults(results: readonly CheckResult[]): string {
  const width = Math.max(...results.map((r) => r.name.length));
  return results
    .map(
      (r) =>
        `${r.status.padEnd(4)}  ${r.name.padEnd(width)}  ${r.detail}${r.fix === undefined ? "" : ` → fix: ${r.fix}`}\n`,
    )
    .join("");
}

/** Exit code: 1 when any check failed, else 0 (warnings do not fail). */
export function exitCodeOf(results: readonly CheckResult[]): number {
  return results.some((r) => r.status === "fail") ? 1 : 0;
}

// the selected host kind's own probe (e.g. each Docker engine answers and has the image)
function hostKindChecks(worker: WorkerConfig, timeout: number): Array<Promise<readonly CheckResult[]>> {
  const kind = worker.kind === undefined ? undefined : HOSTS.get(worker.kind);
  const probe = kind?.doctor;
  if (kind === undefined || probe === undefined) return [];
  return [runWithTimeout(kind.name, timeout + 5_000, () => probe(worker, timeout))];
}
