import { err, ok, type Result } from "../../domain/result.js";

/** Where a Docker engine listens: a unix socket, TCP (optionally TLS) or an SSH destination. */
export type EngineAddress =
  | { readonly kind: "unix"; readonly socketPath: string }
  | { readonly kind: "tcp"; readonly host: string; readonly port: number; readonly tls: boolean }
  | { readonly kind: "ssh"; readonly destination: string; readonly port: number | null };

/** Why an engine address was refused. */
export interface EngineAddressError {
  readonly kind: "invalid_engine_address";
  readonly address: string;
  readonly reason: string;
}

/** The Docker default when no engine is configured. */
export const DEFAULT_ENGINE_ADDRESS = "unix:///var/run/docker.sock";

/**
 * Parses `unix:///path`, `tcp://host:port` (TLS when `tls` is set or the scheme is `https://`) and
 * `ssh://[user@]host[:port]`. Anything else is refused with the reason as data.
 */
export function parseEngineAddress(address: string, tls = false): Result<EngineAddress, EngineAddressError> {
  const fail = (reason: string) => err({ kind: "invalid_engine_address" as const, address, reason });
  if (address.startsWith("unix://")) {
    const socketPath = address.slice("unix://".length);
    if (!socketPath.startsWith("/")) return fail("a unix socket path must be absolute");
    return ok({ kind: "unix", socketPath });
  }
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return fail("expected unix:///path, tcp://host:port or ssh://[user@]host[:port]");
  }
  const port = url.port === "" ? null : Number(url.port);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (host === "") return fail("the host is missing");
  if (url.protocol === "tcp:" || url.protocol === "https:" || url.protocol === "http:") {
    const secure = tls || url.protocol === "https:";
    return ok({ kind: "tcp", host, port: port ?? (secure ? 2376 : 2375), tls: secure });
  }
  if (url.protocol === "ssh:") {
    if (host.startsWith("-") || url.username.startsWith("-"))
      return fail("an ssh destination may not start with -");
    const user = url.username === "" ? "" : `${decodeURIComponent(url.username)}@`;
    return ok({ kind: "ssh", destination: `${user}${host}`, port });
  }
  return fail(`unsupported scheme ${url.protocol}`);
}
