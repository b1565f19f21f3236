import type {
  BlockedRow,
  OrchestratorSnapshot,
  RetryRow,
  RunningRow,
  SkipRow,
} from "../../src/domain/snapshot.js";

/** A fixed instant the fixtures are built around: 2026-01-01T12:00:00Z. */
export const FIXTURE_NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

/** A running row with sensible defaults; override any field. */
export function runningRow(overrides: Partial<RunningRow> & { identifier: string }): RunningRow {
  return {
    issueId: `id-${overrides.identifier}`,
    title: `Title of ${overrides.identifier}`,
    url: `https://tracker.example/issues/${overrides.identifier}`,
    state: "In Progress",
    backend: "codex",
    profile: null,
    host: "local",
    workspacePath: `/tmp/ws/${overrides.identifier}`,
    sessionId: "thread-1-turn-1",
    pid: "4242",
    attempt: null,
    turnCount: 1,
    startedAt: FIXTURE_NOW - 125_000,
    lastEvent: "notification",
    lastMessage: "Working on tests",
    lastEventAt: FIXTURE_NOW - 2_000,
    tokens: { inputTokens: 1200, outputTokens: 800, totalTokens: 2000 },
    costUsd: 0,
    runId: `run-${overrides.identifier}`,
    recentEvents: [],
    ...overrides,
  };
}

/** A retry row with sensible defaults. */
export function retryRow(overrides: Partial<RetryRow> & { identifier: string }): RetryRow {
  return {
    issueId: `id-${overrides.identifier}`,
    url: `https://tracker.example/issues/${overrides.identifier}`,
    attempt: 2,
    dueAt: FIXTURE_NOW + 30_000,
    kind: "failure",
    error: "turn_timeout: no output for 300s",
    errorDetail: { code: "turn_timeout", message: "no output for 300s", retryable: true },
    workspacePath: `/tmp/ws/${overrides.identifier}`,
    ...overrides,
  };
}

/** A blocked row with sensible defaults. */
export function blockedRow(overrides: Partial<BlockedRow> & { identifier: string }): BlockedRow {
  return {
    issueId: `id-${overrides.identifier}`,
    url: null,
    state: "In Progress",
    kind: "user_input",
    limit: null,
    question: "Which database should I migrate?",
    blockedAt: FIXTURE_NOW - 300_000,
    sessionId: "thread-9-turn-2",
    workspacePath: `/tmp/ws/${overrides.identifier}`,
    ...overrides,
  };
}

/** A skip row with sensible defaults. */
export function skipRow(overrides: Partial<SkipRow> & { identifier: string }): SkipRow {
  return {
    issueId: `id-${overrides.identifier}`,
    state: "Todo",
    reason: { kind: "no_global_slot", limit: 2 },
    ...overrides,
  };
}

/** An idle snapshot at {@link FIXTURE_NOW}; override any field. */
export function buildSnapshot(overrides: Partial<OrchestratorSnapshot> = {}): OrchestratorSnapshot {
  return {
    generatedAt: FIXTURE_NOW,
    running: [],
    retrying: [],
    blocked: [],
    skipped: [],
    totals: {
      inputTokens: 0,
      outputTokens: 0,
      totalTokens: 0,
      costUsd: 0,
      secondsRunning: 0,
      runsStarted: 0,
      runsSucceeded: 0,
      runsFailed: 0,
    },
    rateLimits: null,
    trackerRateLimits: null,
    polling: {
      intervalMs: 30_000,
      checking: false,
      lastTickAt: FIXTURE_NOW - 5_000,
      nextTickAt: FIXTURE_NOW + 25_000,
    },
    limits: { maxConcurrentAgents: 10 },
    circuits: [],
    workflow: { path: "/srv/WORKFLOW.md", trackerKind: "linear", backend: "codex", lastError: null },
    ...overrides,
  };
}

/** A busy snapshot: two running, two retrying, one blocked, one skipped, rate limits, totals. */
export function busySnapshot(): OrchestratorSnapshot {
  return buildSnapshot({
    running: [
      runningRow({
        identifier: "MT-649",
        turnCount: 7,
        tokens: { inputTokens: 12000, outputTokens: 3456, totalTokens: 15456 },
      }),
      runningRow({
        identifier: "MT-700",
        title: "Fix <script>alert(1)</script> in title",
        state: "Rework",
        turnCount: 2,
        startedAt: FIXTURE_NOW - 3_725_000,
        lastEvent: "tool_call",
        lastMessage: "tool linear_graphql ok:\nquery issue",
      }),
    ],
    retrying: [
      retryRow({ identifier: "MT-650", attempt: 3 }),
      retryRow({
        identifier: "MT-651",
        attempt: 1,
        kind: "continuation",
        error: null,
        dueAt: FIXTURE_NOW + 1_000,
      }),
    ],
    blocked: [blockedRow({ identifier: "MT-660" })],
    skipped: [skipRow({ identifier: "MT-670", reason: { kind: "blocked_by", blockers: ["MT-649"] } })],
    totals: {
      inputTokens: 50_000,
      outputTokens: 24_000,
      totalTokens: 74_000,
      costUsd: 1.25,
      secondsRunning: 1834.2,
      runsStarted: 9,
      runsSucceeded: 6,
      runsFailed: 1,
    },
    rateLimits: { limit_id: "codex", primary: { used_percent: 12, resets_in_seconds: 30 } },
    durable: {
      health: {
        kind: "embedded",
        location: "/data/p.db",
        ok: true,
        error: null,
        pendingWrites: 0,
        shared: false,
      },
      tokenUsage: {
        attempts: 3,
        inputTokens: 60_000,
        outputTokens: 30_000,
        totalTokens: 90_000,
        costUsd: 2.5,
      },
      recentRuns: [
        {
          runId: "MT-640.r1",
          issueId: "id-MT-640",
          identifier: "MT-640",
          attempt: 2,
          backend: "codex",
          host: "local",
          workerId: "vm:42:abcd",
          startedAt: FIXTURE_NOW - 600_000,
          endedAt: FIXTURE_NOW - 300_000,
          outcome: "failed",
          error: { code: "turn_timeout", message: "turn still running after 300000ms" },
          turns: 4,
          tokens: { inputTokens: 9_000, outputTokens: 1_000, totalTokens: 10_000 },
          costUsd: 0.0425,
          sessionId: "th-1",
          workspacePath: "/ws/MT-640",
          logPath: "/logs/MT-640/MT-640.r1.log",
          eventsPath: "/logs/MT-640/MT-640.r1.events.jsonl",
        },
      ],
      leases: [
        {
          issueId: "id-MT-649",
          identifier: "MT-649",
          workerId: "other-host:7:wxyz",
          host: "local",
          workspacePath: "/ws/MT-649",
          attempt: null,
          lastSeen: FIXTURE_NOW - 5_000,
          expiresAt: FIXTURE_NOW + 55_000,
        },
      ],
    },
    spend: {
      today: { tokens: 80_000, costUsd: 12.5 },
      month: { tokens: 2_000_000, costUsd: 240.75 },
      budgets: [
        {
          key: "limits.budgets[0]",
          period: "day",
          label: null,
          state: null,
          spent: { tokens: 80_000, costUsd: 12.5 },
          maxTokens: null,
          maxCostUsd: 100,
          resetsAt: Date.UTC(2026, 0, 2),
        },
      ],
    },
  });
}
