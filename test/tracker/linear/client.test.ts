import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LinearClient } from "../../../src/tracker/linear/client.js";
import { type FakeLinearServer, fakeIssue, startFakeLinearServer } from "../../support/fake-linear-server.js";
import { adapterFor, never, recordingLogger, settingsFor } from "../../support/linear-fixture.js";
import { ManualClock } from "../../support/manual-clock.js";
import { until } from "../../support/until.js";

let server: FakeLinearServer;

beforeEach(async () => {
  server = await startFakeLinearServer();
  server.store.put(fakeIssue());
});
afterEach(async () => {
  await server.close();
});

async function fetchError(patch: Parameters<typeof adapterFor>[1] = {}) {
  const { adapter } = adapterFor(server, patch);
  const result = await adapter.fetchIssuesByStates(["Todo"], never);
  if (result.ok) throw new Error("expected a failure");
  return result.error;
}

describe("Linear client: error mapping to typed TrackerError values", () => {
  it("11.4: top-level GraphQL errors on HTTP 200 are tracker_response with the messages", async () => {
    server.failNext({ kind: "graphql_errors", errors: [{ message: "Something broke", path: ["issues"] }] });
    expect(await fetchError()).toMatchObject({
      category: "tracker_response",
      retryable: false,
      message: expect.stringContaining("Something broke"),
    });
  });

  it("11.4: an AUTHENTICATION_ERROR GraphQL error is tracker_auth", async () => {
    server.failNext({
      kind: "graphql_errors",
      errors: [{ message: "not allowed", extensions: { code: "FORBIDDEN" } }],
    });
    expect(await fetchError()).toMatchObject({ category: "tracker_auth" });
  });

  it("11.4: HTTP 401 (wrong key) is tracker_auth, not retryable, and the key is not in the message", async () => {
    const error = await fetchError({ apiKey: "lin_api_wrong" });
    expect(error).toMatchObject({ category: "tracker_auth", status: 401, retryable: false });
    expect(JSON.stringify(error)).not.toContain("lin_api_wrong");
  });

  it("11.4: HTTP 500 is tracker_status, retryable, and logged with status and a body excerpt", async () => {
    const { adapter, logger } = adapterFor(server);
    server.failNext({ kind: "status", status: 500, body: "upstream exploded" });
    const result = await adapter.fetchIssuesByStates(["Todo"], never);
    expect(result.ok ? null : result.error).toMatchObject({
      category: "tracker_status",
      status: 500,
      retryable: true,
    });
    expect(logger.lines).toContainEqual(
      expect.objectContaining({
        message: "linear request failed",
        fields: expect.objectContaining({
          status: 500,
          operation: "SymphonyLinearPoll",
          body: "upstream exploded",
        }),
      }),
    );
  });

  it("11.4: a query the real schema rejects (HTTP 400 validation error) is tracker_status with the reason", async () => {
    const client = new LinearClient(settingsFor(server), {
      clock: new ManualClock(),
      logger: recordingLogger(),
    });
    const result = await client.read("Bad", "query Bad { issues { nodes { titel } } }", {}, never);
    expect(result.ok ? null : result.error).toMatchObject({
      category: "tracker_status",
      status: 400,
      message: expect.stringContaining('Cannot query field "titel" on type "Issue"'),
    });
  });

  it("11.4: a malformed JSON body is tracker_response", async () => {
    server.failNext({ kind: "malformed_json" });
    expect(await fetchError()).toMatchObject({ category: "tracker_response", status: 200 });
  });

  it("11.4: a JSON body without data.issues is tracker_response (unknown payload)", async () => {
    server.failNext({ kind: "raw", body: { data: { somethingElse: 1 } } });
    expect(await fetchError()).toMatchObject({
      category: "tracker_response",
      message: expect.stringContaining("no issues connection"),
    });
  });

  it("11.4: a refused connection is tracker_request and retryable", async () => {
    const port = await freePort();
    const error = await fetchError({ endpoint: `http://127.0.0.1:${port}/graphql` });
    expect(error).toMatchObject({ category: "tracker_request", retryable: true });
    expect(error.message).toContain("ECONNREFUSED");
  });

  it("a hung server times out after timeoutMs on the injected clock (tracker_request)", async () => {
    const { adapter, clock } = adapterFor(server, { timeoutMs: 30_000 });
    server.failNext({ kind: "hang" });
    const pending = adapter.fetchIssuesByStates(["Todo"], never);
    await until(() => server.requests.length === 1, 5_000, "the request to arrive");
    clock.advance(29_999);
    let settled = false;
    void pending.then(() => {
      settled = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    clock.advance(1);
    const result = await pending;
    expect(result.ok ? null : result.error).toMatchObject({
      category: "tracker_request",
      retryable: true,
      message: "Linear request timed out after 30000 ms",
    });
    expect(clock.pendingTimers).toBe(0);
  });

  it("the caller's AbortSignal reaches the in-flight fetch", async () => {
    const { adapter } = adapterFor(server);
    server.failNext({ kind: "hang" });
    const controller = new AbortController();
    const pending = adapter.fetchIssuesByStates(["Todo"], controller.signal);
    await until(() => server.requests.length === 1, 5_000, "the request to arrive");
    controller.abort();
    const result = await pending;
    expect(result.ok ? null : result.error).toMatchObject({ category: "tracker_request", retryable: false });
  });

  it("close() aborts in-flight requests and refuses new ones", async () => {
    const { adapter } = adapterFor(server);
    server.failNext({ kind: "hang" });
    const pending = adapter.fetchIssuesByStates(["Todo"], never);
    await until(() => server.requests.length === 1, 5_000, "the request to arrive");
    await adapter.close();
    expect((await pending).ok).toBe(false);
    const after = await adapter.fetchIssuesByStates(["Todo"], never);
    expect(after.ok ? null : after.error.message).toBe("Linear client is closed");
    expect(server.requests).toHaveLength(1);
  });

  it("a redirect is not followed, so the key never reaches another host", async () => {
    const seen: (string | undefined)[] = [];
    const other = createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.end("{}");
    });
    await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
    const otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}/graphql`;
    try {
      server.failNext({ kind: "status", status: 307, headers: { location: otherUrl } });
      expect(await fetchError()).toMatchObject({ category: "tracker_status", status: 307 });
      expect(seen).toEqual([]);
    } finally {
      other.closeAllConnections();
      await new Promise((resolve) => other.close(resolve));
    }
  });
});

describe("Linear client: rate limiting", () => {
  it("429 with Retry-After is tracker_rate_limited with retryAfterMs, and no request is sent until it passes", async () => {
    const { adapter, clock } = adapterFor(server);
    server.failNext({ kind: "status", status: 429, body: "{}", headers: { "retry-after": "20" } });
    const first = await adapter.fetchIssuesByStates(["Todo"], never);
    expect(first.ok ? null : first.error).toMatchObject({
      category: "tracker_rate_limited",
      retryable: true,
      retryAfterMs: 20_000,
      status: 429,
    });
    clock.advance(15_000);
    const during = await adapter.fetchIssuesByStates(["Todo"], never);
    expect(during.ok ? null : during.error).toMatchObject({
      category: "tracker_rate_limited",
      retryAfterMs: 5_000,
    });
    expect(server.requests).toHaveLength(1);
    expect(adapter.rateLimits()).toMatchObject({ limitedUntil: clock.now() + 5_000 });
    clock.advance(5_000);
    const after = await adapter.fetchIssuesByStates(["Todo"], never);
    expect(after.ok).toBe(true);
    expect(server.requests).toHaveLength(2);
  });

  it("a RATELIMITED GraphQL error waits until the bucket's reset header", async () => {
    const { adapter, clock } = adapterFor(server);
    server.rateLimit.resetAt = clock.now() + 90_000;
    server.failNext({
      kind: "graphql_errors",
      status: 400,
      errors: [{ message: "Rate limit exceeded", extensions: { code: "RATELIMITED" } }],
    });
    server.rateLimit.requestsRemaining = 1; // the fake decrements to 0 on this response
    const result = await adapter.fetchIssuesByStates(["Todo"], never);
    expect(result.ok ? null : result.error).toMatchObject({
      category: "tracker_rate_limited",
      retryAfterMs: 90_000,
    });
  });

  it("an exhausted request bucket (remaining 0) defers the next request until its reset", async () => {
    const { adapter, clock } = adapterFor(server);
    server.rateLimit.resetAt = clock.now() + 10_000;
    server.rateLimit.requestsRemaining = 1;
    expect((await adapter.fetchIssuesByStates(["Todo"], never)).ok).toBe(true);
    const next = await adapter.fetchIssuesByStates(["Todo"], never);
    expect(next.ok ? null : next.error).toMatchObject({
      category: "tracker_rate_limited",
      retryAfterMs: 10_000,
    });
    expect(server.requests).toHaveLength(1);
  });
});

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
