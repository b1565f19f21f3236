/**
 * Load generator for bench/api.ts, run in its own process so client work does not share the
 * server's event loop. `load <port> <concurrency> <total> <identity|gzip>` prints one JSON line of
 * latencies (ms), each until the body is fully received (and inflated, for gzip);
 * `sse <port> <clients>` connects, prints `ready`, then `got <mark> <epochMs>` once every client
 * has received the state message carrying `max_concurrent_agents: <mark>`.
 */
import { Agent, request } from "node:http";
import { gunzipSync } from "node:zlib";

const [mode, portArg, a, b, encoding] = process.argv.slice(2);
const port = Number(portArg);
const epoch = (): number => performance.timeOrigin + performance.now();

if (mode === "load") {
  const concurrency = Number(a);
  const total = Number(b);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  let bytes = 0;
  let wire = 0;
  let issued = 0;
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const t0 = performance.now();
      const headers = { "accept-encoding": encoding === "gzip" ? "gzip" : "identity" };
      const req = request({ host: "127.0.0.1", port, path: "/api/v1/state", agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const body = Buffer.concat(chunks);
          const text = res.headers["content-encoding"] === "gzip" ? gunzipSync(body) : body;
          latencies.push(performance.now() - t0);
          bytes = text.length;
          wire = body.length;
          resolve();
        });
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end();
    });
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (issued < total) {
        issued += 1;
        await one();
      }
    }),
  );
  agent.destroy();
  process.stdout.write(`${JSON.stringify({ latencies, bytes, wire })}\n`);
} else if (mode === "sse") {
  const clients = Number(a);
  const counts = new Map<number, number>();
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  let ready = 0;
  for (let i = 0; i < clients; i++) {
    const req = request({ host: "127.0.0.1", port, path: "/api/v1/events", agent }, (res) => {
      res.setEncoding("utf8");
      let buffer = "";
      let first = true;
      res.on("data", (chunk: string) => {
        buffer += chunk;
        let cut = buffer.indexOf("\n\n");
        while (cut >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          if (block.startsWith("event: state")) {
            if (first) {
              first = false;
              ready += 1;
              if (ready === clients) process.stdout.write("ready\n");
            } else {
              const at = block.lastIndexOf('"max_concurrent_agents":');
              const mark = Number.parseInt(block.slice(at + 24, at + 40), 10);
              const n = (counts.get(mark) ?? 0) + 1;
              counts.set(mark, n);
              if (n === clients) process.stdout.write(`got ${mark} ${epoch()}\n`);
            }
          }
          cut = buffer.indexOf("\n\n");
        }
      });
    });
    req.end();
  }
  process.stdin.on("end", () => process.exit(0));
  process.stdin.resume();
}
