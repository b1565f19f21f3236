import { createHash, timingSafeEqual } from "node:crypto";
import { isIP } from "node:net";

/** True for addresses only this machine can reach: `localhost`, 127.0.0.0/8, `::1`. */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, "$1");
  if (h === "localhost" || h === "::1" || h === "0:0:0:0:0:0:0:1") return true;
  if (isIP(h) === 4) return h.startsWith("127.");
  if (h.startsWith("::ffff:")) return h.slice(7).startsWith("127.");
  return false;
}

/** Shortest `server.auth_token` accepted when the server is reachable from other machines. */
export const MIN_REMOTE_TOKEN_LENGTH = 16;

const digest = (s: string): Buffer => createHash("sha256").update(s).digest();

/**
 * Checks a request's credentials against the configured token in constant time. Accepts
 * `Authorization: Bearer <token>`, or `?token=<token>` for browsers (the page and EventSource
 * cannot set headers).
 */
export function tokenMatches(
  expected: string,
  authorization: string | undefined,
  queryToken: string | undefined,
): boolean {
  let given: string | undefined;
  const m = authorization === undefined ? null : /^Bearer\s+(.+)$/i.exec(authorization.trim());
  if (m?.[1] !== undefined) given = m[1];
  else given = queryToken;
  if (given === undefined || given === "") return false;
  return timingSafeEqual(digest(given), digest(expected));
}
