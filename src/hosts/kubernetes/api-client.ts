import { request as httpsRequest } from "node:https";
import { messageOf } from "../../domain/errors.js";
import { err, ok, type Result } from "../../domain/result.js";
import type { ClusterAccess } from "./credentials.js";

/** Why an API call failed: the server could not be reached, or it answered with an error Status. */
export interface KubeApiError {
  readonly kind: "unreachable" | "status";
  /** HTTP status when the server answered. */
  readonly status?: number;
  /** The Status object's `reason` (e.g. `NotFound`, `Invalid`, `Unauthorized`). */
  readonly reason?: string;
  readonly message: string;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** A small client for the core/v1 API over HTTPS with the access's CA, token or client certificate. */
export class KubeApiClient {
  constructor(
    readonly access: ClusterAccess,
    private readonly timeoutMs: number = DEFAULT_TIMEOUT_MS,
  ) {}

  /** TLS and auth options shared by requests and exec WebSockets. */
  tlsOptions(): {
    ca?: string;
    cert?: string;
    key?: string;
    rejectUnauthorized: boolean;
    headers: Record<string, string>;
  } {
    const { access } = this;
    return {
      ...(access.ca === undefined ? {} : { ca: access.ca }),
      ...(access.cert === undefined ? {} : { cert: access.cert }),
      ...(access.key === undefined ? {} : { key: access.key }),
      rejectUnauthorized: !access.insecureSkipTlsVerify,
      headers: access.token === undefined ? {} : { authorization: `Bearer ${access.token}` },
    };
  }

  /** One JSON call; a 2xx answer's body (null when empty), else the error as data. */
  call<T>(
    method: string,
    path: string,
    body?: unknown,
    signal?: AbortSignal,
  ): Promise<Result<T | null, KubeApiError>> {
    const url = new URL(`${this.access.server}${path}`);
    const tls = this.tlsOptions();
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve) => {
      const req = httpsRequest(
        url,
        {
          method,
          ...tls,
          headers: {
            ...tls.headers,
            accept: "application/json",
            ...(payload === undefined
              ? {}
              : { "content-type": "application/json", "content-length": Buffer.byteLength(payload) }),
          },
          timeout: this.timeoutMs,
          ...(signal === undefined ? {} : { signal }),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", (cause) => resolve(err({ kind: "unreachable", message: messageOf(cause) })));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            const status = res.statusCode ?? 0;
            let parsed: unknown = null;
            try {
              parsed = text === "" ? null : JSON.parse(text);
            } catch {
              parsed = null;
            }
            if (status >= 200 && status < 300) {
              resolve(ok(parsed as T | null));
              return;
            }
            const s = (parsed ?? {}) as { reason?: string; message?: string };
            resolve(
              err({
                kind: "status",
                status,
                ...(s.reason === undefined ? {} : { reason: s.reason }),
                message: s.message ?? `HTTP ${status}`,
              }),
            );
          });
        },
      );
      req.on("timeout", () => req.destroy(new Error(`no answer within ${this.timeoutMs}ms`)));
      req.on("error", (cause) => resolve(err({ kind: "unreachable", message: messageOf(cause) })));
      req.end(payload);
    });
  }
}
