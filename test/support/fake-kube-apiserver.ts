import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { type WebSocket, WebSocketServer } from "ws";
import type { KubeCerts } from "./kube-certs.js";
import { KubeSchemas, type SchemaViolation } from "./kube-openapi.js";

/** A request body the schema refused. */
export interface RecordedViolation {
  readonly method: string;
  readonly path: string;
  readonly violations: readonly SchemaViolation[];
}

type Pod = {
  metadata: { name: string; namespace: string; labels?: Record<string, string>; uid?: string };
  spec: {
    volumes?: { name: string; emptyDir?: object }[];
    containers: { volumeMounts?: { name: string; mountPath: string }[] }[];
  };
  status?: { phase: string };
};

const schemas = new KubeSchemas();
const EXEC_PROTOCOL = "v5.channel.k8s.io";

/**
 * A loopback HTTPS Kubernetes API server for core/v1 pods. Every request body is validated against the
 * vendored OpenAPI schemas (unknown fields refused); an invalid body gets a 422 `Invalid` Status as a real
 * server answers and is recorded in `violations`. Auth: the bearer `token`, or a client certificate signed by
 * the CA. Pods are created Running; exec (`v5.channel.k8s.io` only) runs the command on this machine, with
 * each pod's workspace mount created as a local directory (removed with the pod when it is an emptyDir).
 */
export class FakeKubeApiServer {
  readonly pods = new Map<string, Pod>();
  readonly violations: RecordedViolation[] = [];
  readonly requests: { method: string; path: string; auth: "token" | "cert" }[] = [];
  readonly #server: Server;
  readonly #wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (p) => (p.has(EXEC_PROTOCOL) ? EXEC_PROTOCOL : false),
  });
  readonly #children = new Map<string, Set<ChildProcess>>();

  private constructor(
    certs: KubeCerts,
    readonly token: string,
  ) {
    this.#server = createServer(
      {
        key: certs.serverKey,
        cert: certs.serverCert,
        ca: certs.ca,
        requestCert: true,
        rejectUnauthorized: false,
      },
      (req, res) => void this.#handle(req, res),
    );
    this.#server.on("upgrade", (req: IncomingMessage, socket, head) => {
      const auth = this.#auth(req);
      const match = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec\?/.exec(req.url ?? "");
      const pod = match === null ? undefined : this.pods.get(`${match[1]}/${match[2]}`);
      if (auth === null || pod === undefined) {
        socket.end(`HTTP/1.1 ${auth === null ? "401 Unauthorized" : "404 Not Found"}\r\n\r\n`);
        return;
      }
      this.requests.push({ method: "EXEC", path: req.url ?? "", auth });
      this.#wss.handleUpgrade(req, socket, head, (ws) =>
        this.#exec(ws, pod, new URL(req.url ?? "", "https://x")),
      );
    });
  }

  /** Starts the server on 127.0.0.1 (port chosen by the OS). */
  static async start(certs: KubeCerts, token: string): Promise<FakeKubeApiServer> {
    const fake = new FakeKubeApiServer(certs, token);
    await new Promise<void>((resolve) => fake.#server.listen(0, "127.0.0.1", resolve));
    return fake;
  }

  /** `https://127.0.0.1:<port>`. */
  get url(): string {
    return `https://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** Stops serving and kills every process an exec started. */
  async close(): Promise<void> {
    for (const set of this.#children.values()) for (const child of set) killSession(child);
    for (const client of this.#wss.clients) client.terminate();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #auth(req: IncomingMessage): "token" | "cert" | null {
    if (req.headers.authorization === `Bearer ${this.token}`) return "token";
    return (req.socket as TLSSocket).authorized ? "cert" : null;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? "/", "https://x");
    const method = req.method ?? "GET";
    const auth = this.#auth(req);
    if (auth === null) return status(res, 401, "Unauthorized", "Unauthorized");
    this.requests.push({ method, path: url.pathname + url.search, auth });
    const body = chunks.length === 0 ? undefined : JSON.parse(Buffer.concat(chunks).toString("utf8"));
    const collection = /^\/api\/v1\/namespaces\/([^/]+)\/pods$/.exec(url.pathname);
    const item = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)$/.exec(url.pathname);
    if (collection !== null && method === "POST") {
      if (!this.#valid(method, url.pathname, "io.k8s.api.core.v1.Pod", body, res)) return;
      const pod = body as Pod;
      const key = `${collection[1]}/${pod.metadata.name}`;
      if (this.pods.has(key))
        return status(res, 409, "AlreadyExists", `pods "${pod.metadata.name}" already exists`);
      pod.metadata.namespace = collection[1] as string;
      pod.status = { phase: "Running" };
      for (const mount of pod.spec.containers[0]?.volumeMounts ?? [])
        mkdirSync(mount.mountPath, { recursive: true });
      this.pods.set(key, pod);
      return json(res, 201, pod);
    }
    if (collection !== null && method === "GET") {
      const wanted = (url.searchParams.get("labelSelector") ?? "").split(",").filter((s) => s !== "");
      const items = [...this.pods.values()].filter(
        (p) =>
          p.metadata.namespace === collection[1] &&
          wanted.every((s) => {
            const [k, v] = s.split("=");
            return p.metadata.labels?.[k as string] === v;
          }),
      );
      return json(res, 200, { apiVersion: "v1", kind: "PodList", metadata: {}, items });
    }
    if (item !== null) {
      const key = `${item[1]}/${item[2]}`;
      const pod = this.pods.get(key);
      if (
        method === "DELETE" &&
        body !== undefined &&
        !this.#valid(method, url.pathname, "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions", body, res)
      )
        return;
      if (pod === undefined) return status(res, 404, "NotFound", `pods "${item[2]}" not found`);
      if (method === "GET") return json(res, 200, pod);
      if (method === "DELETE") {
        this.pods.delete(key);
        for (const child of this.#children.get(key) ?? []) killSession(child);
        const ephemeral = new Set(
          (pod.spec.volumes ?? []).filter((v) => v.emptyDir !== undefined).map((v) => v.name),
        );
        for (const mount of pod.spec.containers[0]?.volumeMounts ?? [])
          if (ephemeral.has(mount.name) && mount.mountPath !== "/tmp")
            rmSync(mount.mountPath, { recursive: true, force: true });
        return json(res, 200, pod);
      }
    }
    return status(
      res,
      404,
      "NotFound",
      `the server could not find the requested resource (${method} ${url.pathname})`,
    );
  }

  #valid(method: string, path: string, schema: string, body: unknown, res: ServerResponse): boolean {
    const violations = schemas.violations(schema, body);
    if (violations.length === 0) return true;
    this.violations.push({ method, path, violations });
    res.writeHead(422, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        apiVersion: "v1",
        kind: "Status",
        metadata: {},
        status: "Failure",
        reason: "Invalid",
        code: 422,
        message: `${schema.split(".").pop()} is invalid: ${violations.map((v) => `${v.path}: ${v.message}`).join("; ")}`,
        details: {
          causes: violations.map((v) => ({ reason: "FieldValueInvalid", field: v.path, message: v.message })),
        },
      }),
    );
    return false;
  }

  #exec(ws: WebSocket, pod: Pod, url: URL): void {
    const argv = url.searchParams.getAll("command");
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    const child = spawn(argv[0] as string, argv.slice(1), {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: "/tmp" },
      stdio: "pipe",
      detached: true, // its own session: deleting the pod kills every process in it, as the kubelet would
    });
    const set = this.#children.get(key) ?? new Set();
    set.add(child);
    this.#children.set(key, set);
    const frame = (channel: number, data: Buffer) => {
      if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([channel]), data]));
    };
    child.stdout.on("data", (d: Buffer) => frame(1, d));
    child.stderr.on("data", (d: Buffer) => frame(2, d));
    child.stdin.on("error", () => {});
    ws.on("message", (raw: Buffer) => {
      if (raw[0] === 0) child.stdin.write(raw.subarray(1));
      else if (raw[0] === 255 && raw[1] === 0) child.stdin.end();
    });
    ws.on("close", () => child.stdin.destroy());
    let outputs = 2;
    let exitCode: number | null = null;
    const finish = () => {
      if (outputs > 0 || exitCode === null) return;
      set.delete(child);
      const ok = exitCode === 0;
      frame(
        3,
        Buffer.from(
          JSON.stringify(
            ok
              ? { metadata: {}, status: "Success" }
              : {
                  metadata: {},
                  status: "Failure",
                  reason: "NonZeroExitCode",
                  message: `command terminated with non-zero exit code: ${exitCode}`,
                  details: { causes: [{ reason: "ExitCode", message: String(exitCode) }] },
                },
          ),
        ),
      );
      ws.close(1000);
    };
    child.stdout.on("end", () => {
      outputs -= 1;
      finish();
    });
    child.stderr.on("end", () => {
      outputs -= 1;
      finish();
    });
    child.on("exit", (code, signal) => {
      exitCode = code ?? (signal === null ? 1 : 128 + 9);
      finish();
    });
  }
}

// Every process of the exec's session (the command runs its own job in a separate process group).
function killSession(child: ChildProcess): void {
  if (child.pid === undefined) return;
  spawnSync("pkill", ["-KILL", "-s", String(child.pid)]);
  child.kill("SIGKILL");
}

function json(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function status(res: ServerResponse, code: number, reason: string, message: string): void {
  json(res, code, {
    apiVersion: "v1",
    kind: "Status",
    metadata: {},
    status: "Failure",
    reason,
    code,
    message,
  });
}
