import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { RestApi } from "../../src/tracker/rest/api.js";
import { retryAfterMs, statusError } from "../../src/tracker/rest-errors.js";
import { systemClock } from "../../src/util/clock.js";

const now = Date.parse("2026-01-01T00:00:00Z");

describe("REST error mapping helpers", () => {
  it.each([
    [{ "retry-after": "5" }, undefined, 5_000],
    [{ "retry-after": "1.5" }, undefined, 1_500],
    [{ "retry-after": "Thu, 01 Jan 2026 00:00:30 GMT" }, undefined, 30_000],
    [{ "x-ratelimit-reset": "2026-01-01T00:01:00Z" }, "x-ratelimit-reset", 60_000],
    [{ "x-ratelimit-reset": String(now / 1000 + 10) }, "x-ratelimit-reset", 10_000],
    [{ "retry-after": "soon" }, undefined, undefined],
    [{}, "x-ratelimit-reset", undefined],
  ])("retryAfterMs(%j, %s) = %s", (headers, reset, expected) => {
    expect(retryAfterMs(new Headers(headers), now, reset)).toBe(expected);
  });

  it.each([
    [429, "tracker_rate_limited", true],
    [401, "tracker_auth", false],
    [403, "tracker_auth", false],
    [404, "tracker_status", false],
    [400, "tracker_status", false],
    [500, "tracker_status", true],
    [503, "tracker_status", true],
  ])("HTTP %i → %s (retryable %s)", (status, category, retryable) => {
    const error = statusError({ status, headers: new Headers(), body: null, json: true }, "Jira", "x", now);
    expect(error).toMatchObject({ category, retryable, status });
  });

  it("a 503 with Retry-After keeps the wait; provider messages are included, single-line", () => {
    const error = statusError(
      {
        status: 503,
        headers: new Headers({ "retry-after": "3" }),
        body: { errors: [{ message: "busy\nnow" }] },
        json: true,
      },
      "Asana",
      "task",
      now,
    );
    expect(error).toMatchObject({
      retryAfterMs: 3_000,
      message: "Asana answered HTTP 503 on task: busy now",
    });
  });
});

describe("REST transport used by the Jira and Asana clients", () => {
  it("does not follow redirects, so the credential never reaches another host", async () => {
    const seen: Array<string | undefined> = [];
    const other = createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
    await new Promise<void>((r) => other.listen(0, "127.0.0.1", r));
    const target = `http://127.0.0.1:${(other.address() as AddressInfo).port}/steal`;
    const redirector = createServer((_req, res) => {
      res.writeHead(302, { location: target }).end();
    });
    await new Promise<void>((r) => redirector.listen(0, "127.0.0.1", r));
    try {
      const api = new RestApi({
        provider: "Jira",
        apiUrl: `http://127.0.0.1:${(redirector.address() as AddressInfo).port}`,
        headers: { Authorization: "Basic c2VjcmV0" },
        timeoutMs: 2_000,
        signals: { remainingHeader: "x-ratelimit-remaining", resetHeader: "x-ratelimit-reset" },
        rateHeaders: {},
        clock: systemClock,
      });
      const url = api.url("/rest/api/3/search/jql");
      const reply = await api.send("POST", url, {}, new AbortController().signal);
      expect(reply.ok && reply.value.status).toBe(302);
      expect(seen).toEqual([]);
    } finally {
      await new Promise((r) => other.close(r));
      await new Promise((r) => redirector.close(r));
    }
  });
});
