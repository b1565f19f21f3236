import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { checkServer, isLoopbackHost } from "../../../src/cli/doctor/server-check.js";
import { freePort } from "../../support/sshd.js";

let held: Server | null = null;
afterEach(async () => {
  await new Promise<void>((resolve) => (held === null ? resolve() : held.close(() => resolve())));
  held = null;
});

describe("doctor: server settings", () => {
  it.each([
    ["127.0.0.1", true],
    ["127.1.2.3", true],
    ["localhost", true],
    ["::1", true],
    ["[::1]", true],
    ["0.0.0.0", false],
    ["10.0.0.5", false],
    ["::", false],
  ])("isLoopbackHost(%j) is %s", (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });

  it("a non-loopback server.host without server.auth_token is a fail", async () => {
    const results = await checkServer(
      { host: "0.0.0.0", port: 0, authToken: null, allowedHosts: [], maxSseClients: 64 },
      null,
    );
    expect(results[0]?.name).toBe("server auth");
    expect(results[0]?.status).toBe("fail");
    expect(results[0]?.fix).toContain("server.auth_token");
    const strong = "s".repeat(16);
    const withToken = await checkServer(
      { host: "0.0.0.0", port: 0, authToken: strong, allowedHosts: [], maxSseClients: 64 },
      null,
    );
    expect(withToken.map((r) => r.status)).toEqual(["ok"]);
  });

  it("a non-loopback server.host with a short server.auth_token is a fail naming the length", async () => {
    const results = await checkServer(
      { host: "0.0.0.0", port: 0, authToken: "a", allowedHosts: [], maxSseClients: 64 },
      null,
    );
    expect(results[0]).toMatchObject({ name: "server auth", status: "fail" });
    expect(results[0]?.detail).toContain("1 characters");
  });

  it("a free port is ok; a taken port is a warning with a fix", async () => {
    const port = await freePort();
    const free = await checkServer(
      { host: "127.0.0.1", port, authToken: null, allowedHosts: [], maxSseClients: 64 },
      null,
    );
    expect(free).toEqual([{ name: "server port", status: "ok", detail: `127.0.0.1:${port} is free` }]);
    const server = createServer();
    held = server;
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    const taken = await checkServer(
      { host: "127.0.0.1", port, authToken: null, allowedHosts: [], maxSseClients: 64 },
      null,
    );
    expect(taken[0]?.status).toBe("warn");
    expect(taken[0]?.detail).toContain("EADDRINUSE");
    expect(taken[0]?.fix).toContain(`stop whatever listens on ${port}`);
  });

  it("--port overrides server.port; no port at all means the server is disabled", async () => {
    const port = await freePort();
    const override = await checkServer(
      { host: "127.0.0.1", port: null, authToken: null, allowedHosts: [], maxSseClients: 64 },
      port,
    );
    expect(override[0]?.detail).toBe(`127.0.0.1:${port} is free`);
    const off = await checkServer(
      { host: "127.0.0.1", port: null, authToken: null, allowedHosts: [], maxSseClients: 64 },
      null,
    );
    expect(off).toEqual([
      { name: "server", status: "ok", detail: "HTTP server disabled (no server.port, no --port)" },
    ]);
  });
});
