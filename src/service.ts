import { agentEnvPassthrough, createBackend } from "./agent/registry.js";
import { createWorkerLauncher } from "./agent/runner.js";
import { agentConfigProblems } from "./agent/validate.js";
import type { ServiceConfig } from "./config/types.js";
import type { Logger } from "./domain/logger.js";
import { err, ok, type Result } from "./domain/result.js";
import type { StatusSource } from "./domain/snapshot.js";
import { buildChildEnv } from "./hosts/child-env.js";
import { openHostFleets } from "./hosts/fleets.js";
import type { Host } from "./hosts/host.js";
import { createHostResolver } from "./hosts/host-resolver.js";
import { BACKENDS, HOSTS, STORES, TRACKERS } from "./kinds.js";
import type { Redactor } from "./observability/log/redact.js";
import { runLogFilesIn } from "./observability/run-logs/paths.js";
import { Orchestrator } from "./orchestrator/orchestrator.js";
import { withPublishing } from "./publish/launcher.js";
import { pruneRescues } from "./rescue/catalog.js";
import { createRescueStep } from "./rescue/step.js";
import { CircuitBreakers } from "./spend/breaker.js";
import { SpendGuard, type SpendLedger, workspaceFingerprint } from "./spend/index.js";
import { openJournal } from "./store/open.js";
import { postComment, type TrackerAdapter, type WebhookRequest } from "./tracker/adapter.js";
import { createTracker } from "./tracker/registry.js";
import { checkWebhook, type WebhookCheck } from "./tracker/webhook-check.js";
import type { Clock } from "./util/clock.js";
import type { WorkflowSource } from "./workflow/types.js";
import { createWorkspaceManager } from "./workspace/manager.js";

/** What the service is composed from. */
export interface ServiceDeps {
  readonly source: WorkflowSource;
  readonly logger: Logger;
  readonly clock: Clock;
  /** The parent environment child environments are drawn from (allow-listed). */
  readonly env: NodeJS.ProcessEnv;
  /** The local host (default: built by the `local` host kind). */
  readonly host?: Host;
  /** Builds the host for a `worker.ssh_hosts` entry (default: the host kind that serves the name). */
  readonly sshHost?: (destination: string) => Host;
  /** Where spend is counted (default: in memory; the durable store keeps it across restarts). */
  readonly ledger?: SpendLedger;
  /** Grace between asking a fleet host's process to stop and killing it (the kind's default when absent). */
  readonly hostKillGraceMs?: number;
  /** Wraps every tracker adapter built (e.g. `metrics.instrumentTracker` for request latency/errors). */
  readonly wrapTracker?: (adapter: TrackerAdapter) => TrackerAdapter;
  /** `--data-dir`: where the embedded store file goes (default: the per-user data directory). */
  readonly dataDir?: string | null;
  /** `--logs-root`, so recorded attempts name their log and event-record files. */
  readonly logsRoot?: string | null;
  /** The service's redactor: text an agent asks Symphony to write to the tracker passes through it. */
  readonly redactor?: Redactor;
}

// Tool calls write to the tracker with Symphony's credentials (comments, descriptions): a secret the
// agent echoes (e.g. from a model error) is masked before it leaves.
function redactingTools(adapter: TrackerAdapter, redactor: Redactor): TrackerAdapter {
  return new Proxy(adapter, {
    get(target, property) {
      if (property === "executeTool") {
        return (name: string, args: unknown, context: Parameters<TrackerAdapter["executeTool"]>[2]) =>
          target.executeTool(name, redactor.redactDeep(args), context);
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** A started orchestrator service. */
export interface OrchestratorService {
  readonly status: StatusSource;
  /** Checks a tracker webhook with the current adapter and `tracker.webhook_secret` (both follow reloads). */
  verifyWebhook(request: WebhookRequest): WebhookCheck;
  stop(): Promise<void>;
}

/** Dispatch preflight (spec 6.3): the agent backend must exist and be usable with this config (warnings pass). */
export function preflight(config: ServiceConfig): string | null {
  const problems = agentConfigProblems(config, BACKENDS).filter((p) => p.severity === "error");
  return problems.length === 0 ? null : problems.map((p) => `${p.key}: ${p.message}`).join("; ");
}

/**
 * Composes tracker + workspace manager + runner + orchestrator from the live workflow and starts it.
 * The tracker adapter is rebuilt when a reload changes the `tracker` section; runs in flight keep theirs.
 */
export async function startOrchestratorService(
  deps: ServiceDeps,
): Promise<Result<OrchestratorService, string>> {
  const { source, logger, clock, env } = deps;
  const outer = deps.wrapTracker ?? ((adapter: TrackerAdapter) => adapter);
  const { redactor } = deps;
  const wrap = (adapter: TrackerAdapter): TrackerAdapter =>
    outer(redactor === undefined ? adapter : redactingTools(adapter, redactor));
  const initial = source.current().config;
  const firstTracker = await createTracker(initial, { logger, clock }, TRACKERS);
  if (!firstTracker.ok) return err(firstTracker.error.message);
  // spec 16.1: a workflow that cannot launch agents fails startup (later reloads only skip dispatch)
  for (const warning of agentConfigProblems(initial, BACKENDS).filter((p) => p.severity === "warning")) {
    logger.warn("agent setting passed through unchecked", { key: warning.key, reason: warning.message });
  }
  const problem = preflight(initial);
  if (problem !== null) {
    await firstTracker.value.close().catch(() => {});
    return err(`dispatch preflight failed: ${problem}`);
  }
  const journal = await openJournal({
    config: initial.store,
    workflowPath: initial.workflowPath,
    env,
    dataDir: deps.dataDir ?? null,
    pollIntervalMs: initial.polling.intervalMs,
    stores: STORES,
    clock,
    logger,
    ...(deps.logsRoot ? { logFiles: runLogFilesIn(deps.logsRoot) } : {}),
  });
  if (!journal.ok) {
    await firstTracker.value.close().catch(() => {});
    return err(`store: ${journal.error.code}: ${journal.error.message}`);
  }
  let tracker: TrackerAdapter = wrap(firstTracker.value);
  let trackerKey = JSON.stringify(initial.tracker);
  const retired: TrackerAdapter[] = [];
  // reloads rebuild the tracker in order: a later reload's adapter never gets replaced by an earlier one's
  let rebuilding: Promise<void> = Promise.resolve();
  const unsubscribe = source.subscribe((result) => {
    if (!result.ok) return;
    const config = result.value.config;
    rebuilding = rebuilding.then(async () => {
      const key = JSON.stringify(config.tracker);
      if (key === trackerKey) return;
      const next = await createTracker(config, { logger, clock }, TRACKERS);
      if (!next.ok) {
        logger.error("tracker config change rejected", { error: next.error.message });
        return;
      }
      retired.push(tracker);
      tracker = wrap(next.value);
      trackerKey = key;
      logger.info("tracker rebuilt after workflow reload", { tracker: config.tracker.kind });
    });
  });

  // `local` runs here; a name a host kind's fleet serves (`docker:<engine>`) runs there; any other name is
  // served by the host kind that handles it (validated at config load)
  const fleets = await openHostFleets(HOSTS, {
    worker: () => source.current().config.worker,
    workspaceRoot: () => source.current().config.workspace.root,
    workflowPath: initial.workflowPath,
    logger,
    ...(deps.hostKillGraceMs === undefined ? {} : { killGraceMs: deps.hostKillGraceMs }),
  });
  const hosts = createHostResolver(
    HOSTS,
    { parentEnv: env, loginShell: initial.worker.loginShell },
    {
      ...(deps.host === undefined ? {} : { local: deps.host }),
      remote: (name) => fleets.host(name) ?? deps.sshHost?.(name),
    },
  );
  // containers/pods a crashed predecessor left behind go before anything new starts
  await fleets.reapStaleOf(initial.worker.kind);
  const issueEnv = (
    issue: { readonly id: string; readonly identifier: string },
    workspacePath: string,
    host: Host,
    passthrough: readonly string[],
  ): Record<string, string> => {
    const extra: Record<string, string> = {};
    for (const name of passthrough) {
      const value = env[name];
      if (value !== undefined) extra[name] = value;
    }
    extra.SYMPHONY_ISSUE_ID = issue.id;
    extra.SYMPHONY_ISSUE_IDENTIFIER = issue.identifier;
    extra.SYMPHONY_WORKSPACE = workspacePath;
    extra.SYMPHONY_WORKFLOW_DIR = source.current().config.workflowDir;
    // a remote login sets up its own PATH/HOME/…: only SYMPHONY_* and passthrough names cross over ssh
    const parent = host.localFilesystem ? env : {};
    return buildChildEnv({ parent, extra, removeNames: tracker.secretEnvNames() });
  };
  const rescue = createRescueStep({
    settings: () => source.current().config.workspace.rescue,
    logger,
    announce: (issue, body) =>
      postComment(tracker, issue.id, body, AbortSignal.timeout(60_000), (error) =>
        logger.warn("rescue comment failed", { issue_identifier: issue.identifier, error }),
      ),
    pushEnv: () => buildChildEnv({ parent: env, extra: {}, removeNames: tracker.secretEnvNames() }),
  });
  const rescueSettings = initial.workspace.rescue;
  const pruned = await pruneRescues(rescueSettings.dir, rescueSettings.retentionDays, clock.now());
  if (pruned > 0) logger.info("old rescues deleted", { count: pruned, dir: rescueSettings.dir });
  const workspaces = createWorkspaceManager({
    hosts,
    logger,
    clock,
    config: () => source.current().config,
    hookEnv: (issue, path, host) => issueEnv(issue, path, host, source.current().config.hooks.envPassthrough),
    rescue,
  });
  const runner = createWorkerLauncher({
    hosts,
    workspaces,
    tracker: () => tracker,
    backendFor: (config) => createBackend(config, { logger }, BACKENDS),
    agentEnv: (issue, path, host, config) =>
      issueEnv(issue, path, host, agentEnvPassthrough(config, BACKENDS)),
    logger,
    clock,
  });
  // host-side publishing (`publish:`): push + PR with Symphony's token after a run that completed
  const launch = withPublishing(runner, {
    hosts,
    clock,
    logger,
    tracker: () => tracker,
    redact: (text) => redactor?.redact(text) ?? text,
  });
  const spend = new SpendGuard(deps.ledger ?? journal.value.ledger, () => source.current().config.limits);
  const breakers = new CircuitBreakers(() => source.current().config.limits.breaker);
  const orchestrator = new Orchestrator({
    spend,
    breakers,
    probeWorkspace: (hostName, path) => workspaceFingerprint(hosts(hostName), path),
    workflow: source,
    tracker: () => tracker,
    launch,
    workspaces,
    clock,
    logger,
    preflight: (config) => preflight(config),
    journal: journal.value,
  });
  await orchestrator.start();
  const status: StatusSource = {
    snapshot: () => orchestrator.snapshot(),
    subscribe: (listener) => orchestrator.subscribe(listener),
    requestRefresh: () => orchestrator.requestRefresh(),
    history: (issue) => journal.value.history(issue),
  };
  return ok({
    status,
    verifyWebhook: (request) =>
      checkWebhook(tracker, source.current().config.tracker.webhookSecret ?? null, request),
    async stop() {
      unsubscribe();
      await rebuilding;
      await orchestrator.stop();
      await fleets.close();
      for (const t of [...retired, tracker]) await t.close().catch(() => {});
    },
  });
}
