import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { RestApi } from "../../../src/tracker/rest/api.js";
import { systemClock } from "../../../src/util/clock.js";

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
        forbidden: { kind: "auth" },
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
