/**
 * Writes docs/dashboard.png: the live web dashboard at 1280×800 in headless Chromium, showing a demo
 * state served by the real HTTP server. Run: `npx tsx docs/screenshot.ts` (needs /usr/bin/chromium).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import type {
  ObserverEvent,
  OrchestratorSnapshot,
  RunningRow,
  StatusSource,
} from "../src/domain/snapshot.js";
import { describeHttpStartError, startHttpServer } from "../src/observability/http/server.js";

const now = Date.now();
const running = (identifier: string, title: string, over: Partial<RunningRow>): RunningRow => ({
  issueId: `id-${identifier}`,
  identifier,
  title,
  url: `https://linear.app/acme/issue/${identifier}`,
  state: "In Progress",
  backend: "codex",
  host: "local",
  workspacePath: `/srv/symphony/workspaces/${identifier}`,
  sessionId: `019a-${identifier.toLowerCase()}-turn-3`,
  pid: "48121",
  attempt: null,
  turnCount: 3,
  startedAt: now - 754_000,
  lastEvent: "notification",
  lastMessage: "running npm test (412 passed)",
  lastEventAt: now - 3_000,
  tokens: { inputTokens: 182_340, outputTokens: 21_780, totalTokens: 204_120 },
  runId: `run-${identifier}`,
  recentEvents: [],
  ...over,
});

const demo: OrchestratorSnapshot = {
  generatedAt: now,
  running: [
    running("ACME-142", "Paginate the invoices API", {}),
    running("ACME-151", "Fix flaky websocket reconnect test", {
      turnCount: 1,
      startedAt: now - 95_000,
      lastEvent: "tool_call",
      lastMessage: "tool linear_graphql ok: commented on issue",
      tokens: { inputTokens: 31_200, outputTokens: 4_410, totalTokens: 35_610 },
    }),
    running("ACME-160", "Upgrade to Node 24 in CI", {
      state: "Rework",
      turnCount: 6,
      startedAt: now - 2_410_000,
      attempt: 2,
      lastMessage: "apply_patch (auto-approved): .github/workflows/ci.yml",
      tokens: { inputTokens: 512_800, outputTokens: 60_300, totalTokens: 573_100 },
    }),
  ],
  retrying: [
    {
      issueId: "id-ACME-133",
      identifier: "ACME-133",
      url: "https://linear.app/acme/issue/ACME-133",
      attempt: 3,
      dueAt: now + 40_000,
      kind: "failure",
      error: "turn_timeout: no agent output for 300s",
      workspacePath: null,
    },
  ],
  blocked: [
    {
      issueId: "id-ACME-120",
      identifier: "ACME-120",
      url: "https://linear.app/acme/issue/ACME-120",
      state: "In Progress",
      kind: "user_input",
      question: "Should the migration drop the legacy `users_old` table, or keep it for a release?",
      blockedAt: now - 1_260_000,
      sessionId: "019a-acme-120-turn-2",
      workspacePath: null,
    },
  ],
  skipped: [
    {
      issueId: "id-ACME-170",
      identifier: "ACME-170",
      state: "Todo",
      reason: { kind: "blocked_by", blockers: ["ACME-142"] },
    },
    {
      issueId: "id-ACME-171",
      identifier: "ACME-171",
      state: "Todo",
      reason: { kind: "no_global_slot", limit: 3 },
    },
  ],
  totals: {
    inputTokens: 2_104_500,
    outputTokens: 248_900,
    totalTokens: 2_353_400,
    secondsRunning: 15_320,
    runsStarted: 27,
    runsSucceeded: 21,
    runsFailed: 2,
  },
  rateLimits: {
    limit_id: "codex",
    primary: { used_percent: 18, window_minutes: 300, resets_in_seconds: 5400 },
  },
  trackerRateLimits: { requests_remaining: 4812, complexity_remaining: 2_950_000 },
  polling: { intervalMs: 30_000, checking: false, lastTickAt: now - 12_000, nextTickAt: now + 18_000 },
  limits: { maxConcurrentAgents: 3 },
  workflow: { path: "/srv/symphony/WORKFLOW.md", trackerKind: "linear", backend: "codex", lastError: null },
};

const source: StatusSource = {
  snapshot: () => ({ ...demo, generatedAt: Date.now() }),
  subscribe: (_listener: (event: ObserverEvent) => void) => () => {},
  requestRefresh: () => ({ coalesced: false }),
};

const out = join(dirname(fileURLToPath(import.meta.url)), "dashboard.png");
const started = await startHttpServer({ source, host: "127.0.0.1", port: 0, authToken: null });
if (!started.ok) throw new Error(describeHttpStartError(started.error));
const profile = await mkdtemp(join(tmpdir(), "symphony-screenshot-"));
try {
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
  try {
    const page = await context.newPage();
    await page.goto(started.value.url);
    await page.waitForSelector('#running tr[data-issue="ACME-160"]');
    await page.screenshot({ path: out });
  } finally {
    await context.close();
  }
} finally {
  await started.value.close();
  await rm(profile, { recursive: true, force: true });
}
process.stdout.write(`wrote ${out}\n`);
