import { createServer } from "node:net";
import type { ServerConfig } from "../../config/types.js";
import { messageOf } from "../../domain/errors.js";
import { MIN_REMOTE_TOKEN_LENGTH } from "../../observability/http/auth.js";
import { type CheckResult, result } from "./check.js";

/** True for hosts only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, "");
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}

/** Tries to bind host:port and releases it at once: null when free, else the error code. */
function probePort(host: string, port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? messageOf(error)));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(null)));
  });
}

/**
 * The HTTP server settings: a non-loopback `server.host` without `server.auth_token` fails; a port
 * already taken warns (the service would fail to start, or another Symphony is running).
 */
export async function checkServer(server: ServerConfig, portOverride: number | null): Promise<CheckResult[]> {
  const port = portOverride ?? server.port;
  if (port === null) return [result("server", "ok", "HTTP server disabled (no server.port, no --port)")];
  const out: CheckResult[] = [];
  if (!isLoopbackHost(server.host) && server.authToken === null) {
    out.push(
      result(
        "server auth",
        "fail",
        `server.host ${server.host} is reachable from other machines and server.auth_token is not set`,
        "set server.auth_token: $SYMPHONY_API_TOKEN, or bind server.host to 127.0.0.1",
      ),
    );
  } else if (
    !isLoopbackHost(server.host) &&
    server.authToken !== null &&
    server.authToken.length < MIN_REMOTE_TOKEN_LENGTH
  ) {
    out.push(
      result(
        "server auth",
        "fail",
        `server.auth_token has ${server.authToken.length} characters; at least ${MIN_REMOTE_TOKEN_LENGTH} are required off loopback`,
        "generate one: openssl rand -hex 32",
      ),
    );
  }
  if (port === 0) {
    out.push(result("server port", "ok", `${server.host}: an ephemeral port is chosen at start`));
    return out;
  }
  const taken = await probePort(server.host, port);
  out.push(
    taken === null
      ? result("server port", "ok", `${server.host}:${port} is free`)
      : result(
          "server port",
          "warn",
          `${server.host}:${port} cannot be bound (${taken})`,
          taken === "EADDRINUSE"
            ? `stop whatever listens on ${port} (ss -ltnp 'sport = :${port}') or choose another server.port`
            : "check server.host is an address of this machine",
        ),
  );
  return out;
}
