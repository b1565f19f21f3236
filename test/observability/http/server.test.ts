import { request as httpRequest } from "node:http";
import { gunzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import type { issueJson, stateJson } from "../../../src/observability/http/api-shapes.js";
import {
  describeHttpStartError,
  displayUrl,
  type HttpServer,
  startHttpServer,
} from "../../../src/observability/http/server.js";
import { FakeStatusSource } from "../../support/fake-status-source.js";
import { blockedRow, buildSnapshot, busySnapshot, runningRow } from "../../support/snapshot-fixtures.js";
import { SseClient } from "../../support/sse-client.js";
import { until } from "../../support/until.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function serve(
  source = new FakeStatusSource(busySnapshot()),
  extra: Partial<Parameters<typeof startHttpServer>[0]> = {},
): Promise<{ server: HttpServer; source: FakeStatusSource; base: string }> {
  const started = await startHttpServer({ source, host: "127.0.0.1", port: 0, authToken: null, ...extra });
  if (!started.ok) throw new Error(describeHttpStartError(started.error));
  cleanups.push(() => started.value.close());
  return { server: started.value, source, base: started.value.url.replace(/\/$/, "") };
}

type StateBody = ReturnType<typeof stateJson>;
type IssueBody = NonNullable<ReturnType<typeof issueJson>>;
type ErrorBody = { error: { code: string; message: string } };
type RefreshBody = { queued: boolean; coalesced: boolean; requested_at: string; operations: string[] };
const json = async <T>(res: Response | Promise<Response>): Promise<T> => (await (await res).json()) as T;

const SPEC_RUNNING_KEYS = [
  "issue_id",
  "issue_identifier",
  "issue_url",
  "state",
  "session_id",
  "turn_count",
  "last_event",
  "last_message",
  "started_at",
  "last_event_at",
  "tokens",
];

describe("HTTP API (spec 13.7)", () => {
  it("13.7.2 GET /api/v1/state: counts, running[] with tokens, retrying[], codex_totals with seconds_running, rate_limits", async () => {
    const { base } = await serve();
    const res = await fetch(`${base}/api/v1/state`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    const body = await json<StateBody>(res);
    expect(body.generated_at).toBe("2026-01-01T12:00:00Z");
    expect(body.counts).toEqual({ running: 2, retrying: 2, blocked: 1, skipped: 1 });
    for (const key of SPEC_RUNNING_KEYS) expect(body.running[0]).toHaveProperty(key);
    expect(body.running[0]).toMatchObject({
      issue_identifier: "MT-649",
      issue_url: "https://tracker.example/issues/MT-649",
      turn_count: 7,
      tokens: { input_tokens: 12000, output_tokens: 3456, total_tokens: 15456 },
      started_at: "2026-01-01T11:57:55Z",
    });
    expect(body.retrying[0]).toEqual({
      issue_id: "id-MT-650",
      issue_identifier: "MT-650",
      issue_url: "https://tracker.example/issues/MT-650",
      attempt: 3,
      due_at: "2026-01-01T12:00:30Z",
      error: "turn_timeout: no output for 300s",
      worker_host: null,
      workspace_path: "/tmp/ws/MT-650",
      kind: "failure",
      error_detail: { code: "turn_timeout", message: "no output for 300s", retryable: true },
    });
    expect(body.codex_totals).toEqual({
      input_tokens: 50000,
      output_tokens: 24000,
      total_tokens: 74000,
      cost_usd: 1.25,
      seconds_running: 1834.2,
    });
    expect(body.rate_limits).toEqual({
      limit_id: "codex",
      primary: { used_percent: 12, resets_in_seconds: 30 },
    });
    // additions are extra fields, never renames
    expect(body.blocked[0]).toMatchObject({
      issue_identifier: "MT-660",
      question: "Which database should I migrate?",
    });
    expect(body.skipped[0]).toEqual({
      issue_id: "id-MT-670",
      issue_identifier: "MT-670",
      state: "Todo",
      reason: { kind: "blocked_by", blockers: ["MT-649"] },
      reason_text: "blocked by MT-649",
    });
    expect(body.backend).toBe("codex");
    expect(body).toHaveProperty("tracker_rate_limits", null);
  });

  it("GET /api/v1/state is gzip-compressed when the client accepts it, plain JSON otherwise", async () => {
    const { server } = await serve();
    const raw = (encoding: string) =>
      new Promise<{ headers: Record<string, string | string[] | undefined>; body: Buffer }>(
        (resolve, reject) => {
          const req = httpRequest(
            {
              host: "127.0.0.1",
              port: server.port,
              path: "/api/v1/state",
              headers: { "accept-encoding": encoding },
            },
            (res) => {
              const chunks: Buffer[] = [];
              res.on("data", (c: Buffer) => chunks.push(c));
              res.on("end", () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
            },
          );
          req.on("error", reject);
          req.end();
        },
      );
    const plain = await raw("identity");
    expect(plain.headers["content-encoding"]).toBeUndefined();
    const zipped = await raw("gzip, deflate");
    expect(zipped.headers["content-encoding"]).toBe("gzip");
    expect(zipped.headers.vary).toContain("accept-encoding");
    expect(gunzipSync(zipped.body).toString("utf8")).toBe(plain.body.toString("utf8"));
    expect(zipped.body.length).toBeLessThan(plain.body.length);
    expect((await raw("gzip;q=0")).headers["content-encoding"]).toBeUndefined();
  });

  it("13.7.2 GET /api/v1/<identifier>: running issue details, with the run log and events files named", async () => {
    const { base } = await serve(new FakeStatusSource(busySnapshot()), {
      runLogs: (id) =>
        id === "MT-649"
          ? { runId: "r1", log: "/logs/MT-649/r1.log", events: "/logs/MT-649/r1.events.jsonl" }
          : null,
    });
    const body = await json<IssueBody>(fetch(`${base}/api/v1/MT-649`));
    expect(body).toMatchObject({
      issue_identifier: "MT-649",
      issue_id: "id-MT-649",
      status: "running",
      workspace: { path: "/tmp/ws/MT-649" },
      attempts: { restart_count: 0, current_retry_attempt: null },
      running: { session_id: "thread-1-turn-1", turn_count: 7, state: "In Progress" },
      retry: null,
      logs: { codex_session_logs: [{ label: "latest", path: "/logs/MT-649/r1.log", url: null }] },
      run_log: "/logs/MT-649/r1.log",
      events_log: "/logs/MT-649/r1.events.jsonl",
      last_error: null,
      tracked: {},
      error_detail: null,
    });
    const retry = await json<IssueBody>(fetch(`${base}/api/v1/MT-650`));
    expect(retry).toMatchObject({
      status: "retrying",
      attempts: { restart_count: 2, current_retry_attempt: 3 },
    });
    expect(retry.last_error).toBe("turn_timeout: no output for 300s");
    // the typed error travels next to the string: code, message and whether a retry can help
    expect(retry.error_detail).toEqual({
      code: "turn_timeout",
      message: "no output for 300s",
      retryable: true,
    });
    expect(retry.retry).toMatchObject({ error_detail: { code: "turn_timeout", retryable: true } });
    const blocked = await json<IssueBody>(fetch(`${base}/api/v1/MT-660`));
    expect(blocked).toMatchObject({
      status: "blocked",
      blocked: { question: "Which database should I migrate?" },
    });
  });

  it("17.4: an unavailable snapshot is surfaced as 503 snapshot_unavailable, and the server keeps serving", async () => {
    const source = new FakeStatusSource(busySnapshot());
    const { base } = await serve(source);
    const broken = source.snapshot.bind(source);
    source.snapshot = () => {
      throw new Error("state is being rebuilt");
    };
    source.set(busySnapshot()); // invalidate the cached body
    const res = await fetch(`${base}/api/v1/state`, { headers: { "accept-encoding": "identity" } });
    expect(res.status).toBe(503);
    const body = await json<ErrorBody & { generated_at: string }>(res);
    expect(body.error.code).toBe("snapshot_unavailable");
    expect(body.error.message).toContain("state is being rebuilt");
    expect(Number.isNaN(Date.parse(body.generated_at))).toBe(false);
    source.snapshot = broken;
    expect((await fetch(`${base}/api/v1/state`)).status).toBe(200);
  });

  it("13.7.2 unknown identifier → 404 with {error:{code:'issue_not_found'}}", async () => {
    const { base } = await serve();
    const res = await fetch(`${base}/api/v1/NOPE-1`);
    expect(res.status).toBe(404);
    expect(await json<ErrorBody>(res)).toEqual({
      error: { code: "issue_not_found", message: 'Issue "NOPE-1" is not known to the orchestrator' },
    });
  });

  it("13.7.2 POST /api/v1/refresh → 202 queued; a burst is coalesced (at most one refresh per interval)", async () => {
    const { base, source } = await serve();
    const first = await fetch(`${base}/api/v1/refresh`, { method: "POST", body: "{}" });
    expect(first.status).toBe(202);
    const body = await json<RefreshBody>(first);
    expect(body).toMatchObject({ queued: true, coalesced: false, operations: ["poll", "reconcile"] });
    expect(Date.parse(body.requested_at)).not.toBeNaN();
    const second = await json<RefreshBody>(fetch(`${base}/api/v1/refresh`, { method: "POST" }));
    expect(second.coalesced).toBe(true);
    // the second post lands inside the minimum interval: it joins one trailing refresh
    expect(source.refreshRequests).toBe(1);
  });

  it("POST /api/v1/refresh on a stopping service answers 503 service_stopping (no refresh will run)", async () => {
    const { base, source } = await serve();
    source.stopping = true;
    const res = await fetch(`${base}/api/v1/refresh`, { method: "POST" });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: { code: "service_stopping" } });
  });

  it("405 with a JSON error and Allow header for unsupported methods on defined routes; 404 for unknown routes", async () => {
    const { base, source } = await serve();
    const cases: [string, string, string][] = [
      ["POST", "/api/v1/state", "GET"],
      ["GET", "/api/v1/refresh", "POST"],
      ["DELETE", "/api/v1/MT-649", "GET"],
      ["PUT", "/", "GET"],
      ["POST", "/api/v1/events", "GET"],
      ["POST", "/metrics", "GET"],
    ];
    for (const [method, path, allow] of cases) {
      const res = await fetch(`${base}${path}`, { method });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get("allow")).toBe(allow);
      expect((await json<ErrorBody>(res)).error.code).toBe("method_not_allowed");
    }
    expect(source.refreshRequests).toBe(0);
    const missing = await fetch(`${base}/nope/deeper`);
    expect(missing.status).toBe(404);
    expect(await json<ErrorBody>(missing)).toEqual({
      error: { code: "not_found", message: "Route not found" },
    });
  });

  it("GET / serves the self-contained dashboard with a strict CSP (no external scripts)", async () => {
    const { base } = await serve();
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(res.headers.get("content-security-policy")).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    const html = await res.text();
    expect(html).toContain("<title>Symphony</title>");
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toMatch(/https?:\/\/(?!tracker)/);
  });
});

describe("HTTP server binding and auth", () => {
  it("refuses to start on a non-loopback host without server.auth_token, with a clear error", async () => {
    const started = await startHttpServer({
      source: new FakeStatusSource(),
      host: "0.0.0.0",
      port: 0,
      authToken: null,
    });
    expect(started.ok).toBe(false);
    if (started.ok) return;
    expect(started.error).toEqual({ kind: "auth_token_required", host: "0.0.0.0" });
    expect(describeHttpStartError(started.error)).toContain("server.auth_token is required");
  });

  it("with a token, every route needs the bearer token (header, or ?token= for browsers)", async () => {
    const { server } = await serve(new FakeStatusSource(busySnapshot()), {
      host: "0.0.0.0",
      authToken: "s3cret-s3cret-s3cret",
    });
    const base = `http://127.0.0.1:${server.port}`;
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
    const denied = await fetch(`${base}/api/v1/state`);
    expect(denied.status).toBe(401);
    expect(denied.headers.get("www-authenticate")).toContain("Bearer");
    expect((await json<ErrorBody>(denied)).error.code).toBe("unauthorized");
    expect((await fetch(`${base}/api/v1/state`, { headers: { authorization: "Bearer wrong" } })).status).toBe(
      401,
    );
    expect((await fetch(`${base}/`)).status).toBe(401);
    expect(
      (await fetch(`${base}/api/v1/state`, { headers: { authorization: "Bearer s3cret-s3cret-s3cret" } }))
        .status,
    ).toBe(200);
    expect((await fetch(`${base}/?token=s3cret-s3cret-s3cret`)).status).toBe(200);
    const sse = await SseClient.open(`${base}/api/v1/events?token=s3cret-s3cret-s3cret`);
    await until(() => sse.of("state").length === 1);
    await sse.close();
  });

  it("a port already in use is a listen_failed value, not a crash", async () => {
    const { server } = await serve();
    const second = await startHttpServer({
      source: new FakeStatusSource(),
      host: "127.0.0.1",
      port: server.port,
      authToken: null,
    });
    expect(second.ok).toBe(false);
    if (!second.ok) expect(second.error).toMatchObject({ kind: "listen_failed", port: server.port });
  });

  it("displayUrl shows wildcard hosts as 127.0.0.1 and brackets IPv6", () => {
    expect(displayUrl("0.0.0.0", 80)).toBe("http://127.0.0.1:80/");
    expect(displayUrl("::", 80)).toBe("http://127.0.0.1:80/");
    expect(displayUrl("::1", 8080)).toBe("http://[::1]:8080/");
    expect(displayUrl("localhost", 1)).toBe("http://localhost:1/");
  });
});

describe("SSE /api/v1/events", () => {
  it("sends the current state on connect, then pushes each state change and agent event", async () => {
    const { base, source, server } = await serve(new FakeStatusSource(buildSnapshot()), { sseFlushMs: 20 });
    const sse = await SseClient.open(`${base}/api/v1/events`);
    await until(() => sse.of("state").length === 1, 2000, "initial state");
    expect((JSON.parse(sse.of("state")[0]!.data) as StateBody).counts.running).toBe(0);
    expect(server.hub.clientCount).toBe(1);

    const changedAt = Date.now();
    source.set(buildSnapshot({ running: [runningRow({ identifier: "LIVE-1" })] }));
    await until(() => sse.of("state").length === 2, 1000, "pushed state");
    expect(Date.now() - changedAt).toBeLessThan(1000);
    expect((JSON.parse(sse.of("state")[1]!.data) as StateBody).running[0]?.issue_identifier).toBe("LIVE-1");

    source.emit({
      type: "agent_event",
      issueId: "id-LIVE-1",
      identifier: "LIVE-1",
      event: {
        type: "tool_call",
        at: Date.UTC(2026, 0, 1),
        tool: "update_issue",
        ok: true,
        summary: "moved",
      },
    });
    await until(() => sse.of("agent_event").length === 1, 1000, "agent event");
    expect(JSON.parse(sse.of("agent_event")[0]!.data)).toEqual({
      issue_id: "id-LIVE-1",
      issue_identifier: "LIVE-1",
      at: "2026-01-01T00:00:00Z",
      event: "tool_call",
      message: "tool update_issue ok: moved",
    });
    await sse.close();
    await until(() => server.hub.clientCount === 0, 2000, "client removed after disconnect");
  });

  it("a burst of changes is coalesced into one state message", async () => {
    const { base, source } = await serve(new FakeStatusSource(buildSnapshot()), { sseFlushMs: 200 });
    const sse = await SseClient.open(`${base}/api/v1/events`);
    await until(() => sse.of("state").length === 1);
    const calls = source.snapshotCalls;
    for (let i = 0; i < 100; i++)
      source.set(buildSnapshot({ blocked: [blockedRow({ identifier: `B-${i}` })] }));
    await until(() => sse.of("state").length === 2);
    expect(source.snapshotCalls - calls).toBe(1);
    expect((JSON.parse(sse.of("state")[1]!.data) as StateBody).blocked[0]?.issue_identifier).toBe("B-99");
    await sse.close();
  });

  it("close() ends open event streams, stops listening and unsubscribes from the source", async () => {
    const { base, source, server } = await serve();
    const sse = await SseClient.open(`${base}/api/v1/events`);
    await until(() => sse.of("state").length === 1);
    expect(source.listenerCount).toBe(3); // SSE hub + state cache + metrics
    await server.close();
    await until(() => sse.ended, 2000, "stream ended");
    expect(source.listenerCount).toBe(0);
    await expect(fetch(`${base}/api/v1/state`)).rejects.toThrow();
  });
});
