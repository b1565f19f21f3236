import { isLoopbackHost } from "./auth.js";

/** Why a request was refused before it reached a route. */
export type GuardRefusal =
  | { readonly kind: "host_not_allowed"; readonly host: string }
  | { readonly kind: "cross_origin"; readonly origin: string };

const WILDCARDS = new Set(["0.0.0.0", "::", "[::]", ""]);
const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

// `Host` / URL authority → lower-case host name without the port (IPv6 keeps its brackets off).
function hostName(authority: string): string {
  const a = authority.trim().toLowerCase();
  if (a.startsWith("[")) return a.slice(1, a.indexOf("]") < 0 ? undefined : a.indexOf("]"));
  const colon = a.lastIndexOf(":");
  return colon < 0 ? a : a.slice(0, colon);
}

/**
 * Decides which `Host` names the server answers and which browser origins may change anything.
 * Loopback names always count; so do a non-wildcard `server.host` and every `server.allowed_hosts`
 * entry. A page on another name (DNS rebinding) gets 421; a cross-site write (CSRF) gets 403.
 */
export class RequestGuard {
  readonly #allowed: ReadonlySet<string>;

  constructor(bindHost: string, allowedHosts: readonly string[]) {
    const names = allowedHosts.map((h) => hostName(h));
    if (!WILDCARDS.has(bindHost.trim()))
      names.push(hostName(bindHost.includes(":") && !bindHost.startsWith("[") ? `[${bindHost}]` : bindHost));
    this.#allowed = new Set(names);
  }

  /** True when a request naming this `Host` may be answered. */
  hostAllowed(hostHeader: string | undefined): boolean {
    if (hostHeader === undefined || hostHeader.trim() === "") return false;
    const name = hostName(hostHeader);
    return isLoopbackHost(name) || this.#allowed.has(name);
  }

  /** Checks one request; null when it may proceed. */
  check(method: string, headers: { get(name: string): string | null }): GuardRefusal | null {
    const host = headers.get("host") ?? "";
    if (!this.hostAllowed(host)) return { kind: "host_not_allowed", host };
    if (!MUTATING.has(method.toUpperCase())) return null;
    // browsers send these on every cross-site POST, including "simple" text/plain forms
    if (headers.get("sec-fetch-site") === "cross-site") {
      return { kind: "cross_origin", origin: headers.get("origin") ?? "(sec-fetch-site: cross-site)" };
    }
    const origin = headers.get("origin");
    if (origin === null) return null;
    let originHost: string;
    try {
      originHost = new URL(origin).host;
    } catch {
      return { kind: "cross_origin", origin };
    }
    // same origin means the page was served by this very authority
    if (originHost.toLowerCase() !== host.trim().toLowerCase()) return { kind: "cross_origin", origin };
    return null;
  }
}
