import { spawn } from "node:child_process";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** A loopback git smart-HTTP server (`git http-backend` as CGI) that demands a Basic-auth token. */
export interface GitHttpServer {
  /** Base URL; a bare repo `<root>/x.git` is at `${url}/x.git`. */
  readonly url: string;
  /** Authorization headers seen (to prove the token arrived only as HTTP auth). */
  readonly auths: string[];
  close(): Promise<void>;
}

function cgi(req: IncomingMessage, res: ServerResponse, root: string, user: string): void {
  const url = new URL(req.url ?? "/", "http://x");
  const child = spawn("git", ["http-backend"], {
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: "1",
      REQUEST_METHOD: req.method ?? "GET",
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      CONTENT_TYPE: req.headers["content-type"] ?? "",
      REMOTE_USER: user,
      REMOTE_ADDR: "127.0.0.1",
      ...(req.headers["content-encoding"] ? { HTTP_CONTENT_ENCODING: req.headers["content-encoding"] } : {}),
      ...(req.headers["git-protocol"] ? { GIT_PROTOCOL: String(req.headers["git-protocol"]) } : {}),
    },
    stdio: ["pipe", "pipe", "ignore"],
  });
  req.pipe(child.stdin);
  const chunks: Buffer[] = [];
  child.stdout.on("data", (c: Buffer) => chunks.push(c));
  child.on("close", () => {
    const out = Buffer.concat(chunks);
    const split = out.indexOf("\r\n\r\n");
    const headerText = out.subarray(0, Math.max(split, 0)).toString("latin1");
    let status = 200;
    const headers: Record<string, string> = {};
    for (const line of headerText.split("\r\n")) {
      const colon = line.indexOf(":");
      if (colon < 0) continue;
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === "status") status = Number(value.split(" ")[0]);
      else headers[name] = value;
    }
    res.writeHead(status, headers);
    res.end(out.subarray(split < 0 ? 0 : split + 4));
  });
}

/** Serves the bare repositories under `root`; requests without `Basic <user>:<token>` get a 401 challenge. */
export async function startGitHttpServer(root: string, token: string): Promise<GitHttpServer> {
  const auths: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const header = req.headers.authorization ?? "";
    if (header !== "") auths.push(header);
    const decoded = header.startsWith("Basic ") ? Buffer.from(header.slice(6), "base64").toString() : "";
    const colon = decoded.indexOf(":");
    if (colon < 0 || decoded.slice(colon + 1) !== token) {
      res.writeHead(401, { "WWW-Authenticate": 'Basic realm="fake git"' });
      res.end("authentication required\n");
      return;
    }
    cgi(req, res, root, decoded.slice(0, colon));
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    auths,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
