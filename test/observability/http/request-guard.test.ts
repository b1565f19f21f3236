import { request as httpRequest } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import {
  describeHttpStartError,
  type HttpServer,
  startHttpServer,
} from "../../../src/observability/http/server.js";
import { FakeStatusSource } from "../../support/fake-status-source.js";
import { ManualClock } from "../../support/manual-clock.js";
import { buildSnapshot, busySnapshot, skipRow } from "../../support/snapshot-fixtures.js";
import { SseClient } from "../../support/sse-client.js";
import { until } from "../../support/until.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function serve(
  extra: Partial<Parameters<typeof startHttpServer>[0]> = {},
): Promise<{ server: HttpServer; source: FakeStatusSource; port: number }> {
  const source = new FakeStatusSource(busySnapshot());
  const started = await startHttpServer({ source, host: "127.0.0.1", port: 0, authToken: null, ...extra });
  if (!started.ok) throw new Error(describeHttpStartError(started.error));
  cleanups.push(() => started.value.close());
  return { server: started.value, source, port: started.value.port };
}

// fetch() will not let a page (or a test) set Host; node:http does, as a rebinding browser effectively does
function raw(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body = "",
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("DNS rebinding: only allowed Host names are answered", () => {
  it("a request naming attacker.example gets 421 and no state; loopback names are served", async () => {
    const { port } = await serve();
    const rebound = await raw(port, "GET", "/api/v1/state", { host: `attacker.example:${port}` });
    expect(rebound.status).toBe(421);
    expect(rebound.body).not.toContain("MT-649");
    expect(JSON.parse(rebound.body).error.code).toBe("host_not_allowed");
    expect((await raw(port, "GET", "/", { host: `attacker.example:${port}` })).status).toBe(421);
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
      expect((await raw(port, "GET", "/api/v1/state", { host })).status, host).toBe(200);
    }
  });

  it("server.allowed_hosts adds names (e.g. behind a reverse proxy)", async () => {
    const { port } = await serve({ allowedHosts: ["symphony.internal"] });
    expect((await raw(port, "GET", "/api/v1/state", { host: "symphony.internal" })).status).toBe(200);
    expect((await raw(port, "GET", "/api/v1/state", { host: "other.internal" })).status).toBe(421);
  });
});

describe("CSRF: cross-origin writes are refused", () => {
  it("a cross-origin text/plain POST /api/v1/refresh gets 403 and causes no refresh", async () => {
    const { port, source } = await serve();
    const forged = await raw(
      port,
      "POST",
      "/api/v1/refresh",
      { host: `127.0.0.1:${port}`, origin: "http://attacker.example", "content-type": "text/plain" },
      "x",
    );
    expect(forged.status).toBe(403);
    expect(JSON.parse(forged.body).error.code).toBe("cross_origin");
    const fetchMetadata = await raw(port, "POST", "/api/v1/refresh", {
      host: `127.0.0.1:${port}`,
      "sec-fetch-site": "cross-site",
    });
    expect(fetchMetadata.status).toBe(403);
    const opaque = await raw(port, "POST", "/api/v1/refresh", { host: `127.0.0.1:${port}`, origin: "null" });
    expect(opaque.status).toBe(403);
    expect(source.refreshRequests).toBe(0);
    // the dashboard's own origin (and tools that send no Origin) still work
    const same = await raw(port, "POST", "/api/v1/refresh", {
      host: `127.0.0.1:${port}`,
      origin: `http://127.0.0.1:${port}`,
    });
    expect(same.status).toBe(202);
    expect(source.refreshRequests).toBe(1);
  });
});

describe("no CORS", () => {
  it("no route answers with Access-Control-* headers, even to a preflight from another origin", async () => {
    const { port } = await serve();
    const headers = { host: `127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}` };
    const got = await new Promise<Record<string, unknown>>((done, reject) => {
      const req = httpRequest({ host: "127.0.0.1", port, path: "/api/v1/state", headers }, (res) => {
        res.resume();
        done(res.headers);
      });
      req.on("error", reject);
      req.end();
    });
    expect(Object.keys(got).filter((h) => h.startsWith("access-control-"))).toEqual([]);
    const preflight = await raw(port, "OPTIONS", "/api/v1/refresh", {
      host: `127.0.0.1:${port}`,
      origin: "http://attacker.example",
      "access-control-request-method": "POST",
    });
    expect(preflight.status).toBeGreaterThanOrEqual(400);
  });
});

describe("refresh flooding", () => {
  it("174 posts cause one refresh now and one trailing refresh after the minimum interval", async () => {
    const clock = new ManualClock();
    const { port, source } = await serve({ clock, refreshMinIntervalMs: 5_000 });
    const statuses = await Promise.all(
      Array.from({ length: 174 }, () => raw(port, "POST", "/api/v1/refresh", { host: `127.0.0.1:${port}` })),
    );
    expect(statuses.every((r) => r.status === 202)).toBe(true);
    expect(source.refreshRequests).toBe(1);
    clock.advance(4_999);
    expect(source.refreshRequests).toBe(1);
    clock.advance(1);
    // no request is lost: the ones inside the interval are served by one trailing refresh
    expect(source.refreshRequests).toBe(2);
  });
});

describe("token strength and guessing", () => {
  it("a one-character token on 0.0.0.0 is refused at start", async () => {
    const started = await startHttpServer({
      source: new FakeStatusSource(),
      host: "0.0.0.0",
      port: 0,
      authToken: "a",
    });
    expect(started.ok).toBe(false);
    if (started.ok) return;
    expect(started.error).toEqual({ kind: "auth_token_weak", host: "0.0.0.0", length: 1, minLength: 16 });
    expect(describeHttpStartError(started.error)).toContain("at least 16 characters");
  });

  it("after 10 failed tokens a client gets 429 (even with the right token) until the window ends", async () => {
    const clock = new ManualClock();
    const token = "t".repeat(24);
    const { port } = await serve({ clock, authToken: token });
    const host = `127.0.0.1:${port}`;
    for (let i = 0; i < 10; i++) {
      expect(
        (await raw(port, "GET", "/api/v1/state", { host, authorization: `Bearer guess${i}` })).status,
      ).toBe(401);
    }
    const blocked = await raw(port, "GET", "/api/v1/state", { host, authorization: `Bearer ${token}` });
    expect(blocked.status).toBe(429);
    clock.advance(60_000);
    expect((await raw(port, "GET", "/api/v1/state", { host, authorization: `Bearer ${token}` })).status).toBe(
      200,
    );
  });
});

describe("SSE client cap", () => {
  it("beyond server.max_sse_clients a new client gets 503; a freed slot is reusable", async () => {
    const { server } = await serve({ maxSseClients: 3 });
    const url = `${server.url}api/v1/events`;
    const clients = await Promise.all([SseClient.open(url), SseClient.open(url), SseClient.open(url)]);
    const refused = await fetch(url);
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("10");
    await refused.body?.cancel();
    await clients[0]?.close();
    await until(() => server.hub.clientCount === 2);
    const again = await SseClient.open(url);
    await until(() => again.of("state").length === 1);
    for (const c of [...clients.slice(1), again]) await c.close();
  });
});

describe("SSE with a 100,000-issue backlog", () => {
  it("every client gets the same bounded state: 200 skipped rows plus counts by reason", async () => {
    const skipped = Array.from({ length: 100_000 }, (_, i) =>
      skipRow({ identifier: `BIG-${i}`, reason: { kind: "state_not_active", state: "Backlog" } }),
    );
    const source = new FakeStatusSource(buildSnapshot({ skipped }));
    const started = await startHttpServer({ source, host: "127.0.0.1", port: 0, authToken: null });
    if (!started.ok) throw new Error(describeHttpStartError(started.error));
    cleanups.push(() => started.value.close());
    const url = `${started.value.url}api/v1/events`;
    const clients = await Promise.all(Array.from({ length: 20 }, () => SseClient.open(url)));
    await until(() => clients.every((c) => c.of("state").length === 1), 10_000);
    const bodies = clients.map((c) => c.of("state")[0]?.data ?? "");
    expect(new Set(bodies).size).toBe(1);
    const state = JSON.parse(bodies[0] ?? "{}") as {
      counts: { skipped: number };
      skipped: unknown[];
      skipped_by_reason: Record<string, number>;
    };
    expect(state.counts.skipped).toBe(100_000);
    expect(state.skipped).toHaveLength(200);
    expect(state.skipped_by_reason).toEqual({ state_not_active: 100_000 });
    expect(bodies[0]?.length).toBeLessThan(100_000);
    for (const c of clients) await c.close();
  });
});
