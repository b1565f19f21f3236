import { PassThrough, Writable } from "node:stream";
import { messageOf } from "../../domain/errors.js";
import type { HostProcess } from "../host.js";
import type { KubeApiClient } from "./api-client.js";

/** The exec subprotocol spoken: v5 adds channel 255 to close one stream (stdin) without closing the socket. */
export const EXEC_PROTOCOL = "v5.channel.k8s.io";
/** Channel numbers of the exec protocol. */
export const CHANNEL = { stdin: 0, stdout: 1, stderr: 2, status: 3, resize: 4, close: 255 } as const;

/** The exit of an exec'd command, read from the channel-3 Status object. */
export interface ExecExit {
  readonly code: number | null;
  readonly signal: string | null;
}

/** Reads an exit code out of a channel-3 Status (`Success` → 0; `NonZeroExitCode` → its ExitCode cause). */
export function exitOfStatus(status: unknown): ExecExit {
  const s = (status ?? {}) as {
    status?: string;
    reason?: string;
    details?: { causes?: { reason?: string; message?: string }[] };
  };
  if (s.status === "Success") return { code: 0, signal: null };
  const cause = s.details?.causes?.find((c) => c.reason === "ExitCode");
  const code = cause?.message === undefined ? Number.NaN : Number(cause.message);
  return { code: Number.isInteger(code) ? code : null, signal: null };
}

/** An exec'd command as a {@link HostProcess}, plus why it could not start (if it could not). */
export interface ExecProcess extends HostProcess {
  /** Resolves with null once the stream opened, or with the reason it never did. */
  readonly startError: Promise<string | null>;
}

/**
 * Runs `argv` in the pod's container over the exec WebSocket (`v5.channel.k8s.io`): stdin on channel 0
 * (its end sent as a channel-255 close), stdout 1, stderr 2, the exit Status on 3. `kill` is the caller's
 * (exec has no signal of its own): it is called to end the command's process group. `ws` loads here.
 */
export async function execInPod(
  client: KubeApiClient,
  target: { readonly namespace: string; readonly pod: string; readonly container: string },
  argv: readonly string[],
  kill: (graceMs?: number) => Promise<void>,
): Promise<ExecProcess> {
  // loaded on the first exec only: services on other hosts never pay for it
  const { default: WebSocket } = await import("ws");
  const query = new URLSearchParams({
    container: target.container,
    stdin: "true",
    stdout: "true",
    stderr: "true",
  });
  for (const arg of argv) query.append("command", arg);
  const base = client.access.server.replace(/^http/, "ws");
  const url = `${base}/api/v1/namespaces/${encodeURIComponent(target.namespace)}/pods/${encodeURIComponent(target.pod)}/exec?${query}`;
  const tls = client.tlsOptions();
  const socket = new WebSocket(url, [EXEC_PROTOCOL], { ...tls, headers: tls.headers });
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let opened = false;
  let exit: ExecExit = { code: null, signal: null };
  const pending: Buffer[] = [];
  const send = (channel: number, data: Buffer) => {
    const frame = Buffer.concat([Buffer.from([channel]), data]);
    if (socket.readyState === WebSocket.OPEN) socket.send(frame);
    else if (socket.readyState === WebSocket.CONNECTING) pending.push(frame);
  };
  const stdin = new Writable({
    write(chunk: Buffer, _encoding, done) {
      send(CHANNEL.stdin, Buffer.from(chunk));
      done();
    },
    final(done) {
      send(CHANNEL.close, Buffer.from([CHANNEL.stdin]));
      done();
    },
  });
  let resolveStart: (reason: string | null) => void = () => {};
  const startError = new Promise<string | null>((resolve) => {
    resolveStart = resolve;
  });
  socket.on("open", () => {
    opened = true;
    resolveStart(null);
    for (const frame of pending.splice(0)) socket.send(frame);
  });
  socket.on("unexpected-response", (_req, res) => {
    resolveStart(`exec refused: HTTP ${res.statusCode ?? 0}`);
    socket.terminate();
  });
  socket.on("message", (raw: Buffer) => {
    const data = Buffer.isBuffer(raw) ? raw : Buffer.from(raw as ArrayBuffer);
    const channel = data[0];
    const payload = data.subarray(1);
    if (channel === CHANNEL.stdout) stdout.write(payload);
    else if (channel === CHANNEL.stderr) stderr.write(payload);
    else if (channel === CHANNEL.status) {
      try {
        exit = exitOfStatus(JSON.parse(payload.toString("utf8")));
      } catch {
        exit = { code: null, signal: null };
      }
    }
  });
  const exited = new Promise<ExecExit>((resolve) => {
    socket.on("error", (cause) => {
      if (!opened) resolveStart(messageOf(cause));
    });
    socket.on("close", () => {
      if (!opened) resolveStart("exec stream closed before it opened");
      stdout.end();
      stderr.end();
      resolve(exit);
    });
  });
  let killing: Promise<void> | null = null;
  return {
    pid: undefined,
    stdin,
    stdout,
    stderr,
    exited,
    startError,
    kill(graceMs) {
      killing ??= (async () => {
        if (await startError) {
          socket.terminate();
          return;
        }
        await kill(graceMs);
        // the group is gone (or the pod is): stop waiting for a status that may never come
        const settled = await Promise.race([exited.then(() => true), delay(5_000).then(() => false)]);
        if (!settled) socket.terminate();
        await exited;
      })();
      return killing;
    },
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/**
 * An {@link ExecProcess} available at once whose exec starts when `start` resolves (after its pod runs):
 * stdin is buffered until then, output is relayed, and a failed start reads as an exec that never opened.
 */
export function deferredExec(start: () => Promise<ExecProcess>): ExecProcess {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const started = start().then(
    (proc) => {
      stdin.pipe(proc.stdin);
      proc.stdout.pipe(stdout);
      proc.stderr.pipe(stderr);
      return proc;
    },
    (cause: unknown) => {
      stdout.end();
      stderr.end();
      return messageOf(cause);
    },
  );
  const startError = started.then((proc) => (typeof proc === "string" ? proc : proc.startError));
  const exited = started.then((proc) =>
    typeof proc === "string" ? { code: null, signal: null } : proc.exited,
  );
  return {
    pid: undefined,
    stdin,
    stdout,
    stderr,
    exited,
    startError,
    async kill(graceMs) {
      const proc = await started;
      if (typeof proc !== "string") await proc.kill(graceMs);
    },
  };
}
