import { spawn } from "node:child_process";
import {
  type ClientRequest,
  request as httpRequest,
  type IncomingMessage,
  type RequestOptions,
} from "node:http";
import { request as httpsRequest } from "node:https";
import type { Socket } from "node:net";
import { Duplex } from "node:stream";
import type { EngineAddress } from "./engine-address.js";

/** The Engine API version every request names (Docker 20.10 and later serve it). */
export const ENGINE_API_VERSION = "v1.41";
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
const UNREACHABLE_CODES = new Set([
  "ECONNREFUSED",
  "ENOENT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ETIMEDOUT",
  "ECONNRESET",
  "EPIPE",
  "EACCES",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/** TLS material for a `tcp://` engine (PEM text, not paths). */
export interface EngineTls {
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
}

/** An Engine API call that failed: the engine could not be reached, or it answered with an error. */
export class DockerEngineError extends Error {
  /** `unreachable`: no connection; `api_error`: the engine answered with a non-2xx status. */
  readonly kind: "unreachable" | "api_error";
  readonly engine: string;
  readonly status: number | null;

  constructor(kind: DockerEngineError["kind"], engine: string, status: number | null, message: string) {
    super(message);
    this.name = "DockerEngineError";
    this.kind = kind;
    this.engine = engine;
    this.status = status;
  }
}

/** A hijacked attach connection: raw stream plus any bytes that arrived with the upgrade response. */
export interface HijackedStream {
  readonly socket: Duplex;
  readonly head: Buffer;
}

/** A minimal Engine API client over `node:http` (unix socket, TCP/TLS, or `docker system dial-stdio` over ssh). */
export class EngineClient {
  /** A label for messages and host names. */
  readonly label: string;
  readonly #address: EngineAddress;
  readonly #tls: EngineTls;
  readonly #timeoutMs: number;

  constructor(label: string, address: EngineAddress, options: { tls?: EngineTls; timeoutMs?: number } = {}) {
    this.label = label;
    this.#address = address;
    this.#tls = options.tls ?? {};
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  }

  /** Sends one JSON request; resolves with the parsed body (or null), rejects with {@link DockerEngineError}. */
  async call<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    options: { timeoutMs?: number | null; okStatuses?: readonly number[] } = {},
  ): Promise<T> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const res = await this.#send(method, path, payload, {}, options.timeoutMs);
    const text = await readAll(res);
    const status = res.statusCode ?? 0;
    const accepted = options.okStatuses ?? [];
    if ((status < 200 || status >= 300) && !accepted.includes(status)) {
      throw new DockerEngineError(
        "api_error",
        this.label,
        status,
        `${method} ${path}: ${status} ${errorText(text)}`,
      );
    }
    if (text.trim() === "") return null as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      return text as T;
    }
  }

  /** Opens `POST …/attach` and takes over the connection once the engine answers `101 UPGRADED`. */
  hijack(path: string): Promise<HijackedStream> {
    return new Promise((resolve, reject) => {
      const req = this.#request("POST", path, { Connection: "Upgrade", Upgrade: "tcp" }, null);
      req.once("upgrade", (_res, socket: Socket, head: Buffer) => resolve({ socket, head }));
      req.once("response", async (res: IncomingMessage) => {
        const text = await readAll(res);
        reject(
          new DockerEngineError("api_error", this.label, res.statusCode ?? 0, `attach: ${errorText(text)}`),
        );
      });
      req.once("error", (cause) => reject(this.#wrap(cause)));
      req.end();
    });
  }

  #send(
    method: string,
    path: string,
    payload: Buffer | undefined,
    headers: Record<string, string>,
    timeoutMs: number | null | undefined,
  ): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const allHeaders: Record<string, string> = { ...headers };
      if (payload !== undefined) {
        allHeaders["Content-Type"] = "application/json";
        allHeaders["Content-Length"] = String(payload.length);
      }
      const req = this.#request(
        method,
        path,
        allHeaders,
        timeoutMs === undefined ? this.#timeoutMs : timeoutMs,
      );
      req.once("response", resolve);
      req.once("error", (cause) => reject(this.#wrap(cause)));
      req.end(payload);
    });
  }

  #request(
    method: string,
    path: string,
    headers: Record<string, string>,
    timeoutMs: number | null,
  ): ClientRequest {
    const address = this.#address;
    const base: RequestOptions = {
      method,
      path: `/${ENGINE_API_VERSION}${path}`,
      headers: { Host: "docker", ...headers },
      agent: false,
    };
    let req: ClientRequest;
    if (address.kind === "unix") {
      req = httpRequest({ ...base, socketPath: address.socketPath });
    } else if (address.kind === "tcp" && address.tls) {
      req = httpsRequest({ ...base, host: address.host, port: address.port, ...this.#tls });
    } else if (address.kind === "tcp") {
      req = httpRequest({ ...base, host: address.host, port: address.port });
    } else {
      req = httpRequest({ ...base, createConnection: () => dialOverSsh(address) as Socket });
    }
    if (timeoutMs !== null) {
      req.setTimeout(timeoutMs, () => {
        const cause = Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: "ETIMEDOUT" });
        req.destroy(cause);
      });
    }
    return req;
  }

  #wrap(cause: unknown): DockerEngineError {
    if (cause instanceof DockerEngineError) return cause;
    const code = (cause as NodeJS.ErrnoException).code ?? "";
    const message = cause instanceof Error ? cause.message : String(cause);
    const kind = UNREACHABLE_CODES.has(code) || code === "" ? "unreachable" : "api_error";
    return new DockerEngineError(kind, this.label, null, `engine ${this.label}: ${message}`);
  }
}

// `ssh … docker system dial-stdio` proxies the remote engine's socket over the ssh session's stdio
function dialOverSsh(address: Extract<EngineAddress, { kind: "ssh" }>): Duplex {
  const args = [
    "-T",
    "-o",
    "BatchMode=yes",
    ...(address.port === null ? [] : ["-p", String(address.port)]),
    "--",
    address.destination,
    "docker system dial-stdio",
  ];
  const child = spawn("ssh", args, { stdio: ["pipe", "pipe", "ignore"] });
  const duplex = new Duplex({
    write(chunk, _encoding, callback) {
      child.stdin.write(chunk, callback);
    },
    final(callback) {
      child.stdin.end();
      callback();
    },
    read() {
      child.stdout.resume();
    },
    destroy(error, callback) {
      child.kill("SIGTERM");
      callback(error);
    },
  });
  child.stdout.on("data", (chunk: Buffer) => {
    if (!duplex.push(chunk)) child.stdout.pause();
  });
  child.stdout.on("end", () => duplex.push(null));
  child.once("error", (cause) => duplex.destroy(Object.assign(cause, { code: "ECONNREFUSED" })));
  child.stdin.on("error", () => {});
  return duplex;
}

function readAll(res: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    res.on("data", (chunk: Buffer) => chunks.push(chunk));
    res.once("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    res.once("error", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}

function errorText(text: string): string {
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === "string") return parsed.message;
  } catch {
    // not JSON: use the text
  }
  return text.trim().slice(0, 500);
}
