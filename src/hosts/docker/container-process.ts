import { PassThrough } from "node:stream";
import type { HostProcess } from "../host.js";
import { type ContainerRequest, type ContainerSettings, containerCreateBody } from "./container-spec.js";
import { DockerEngineError, type EngineClient } from "./engine-client.js";
import { StreamDemux } from "./stream-demux.js";

/** A container started for one command: stdio attached, removed once it has exited. */
export interface ContainerProcess extends HostProcess {
  /** Resolves with the container id once created, or null when creation failed. */
  readonly id: Promise<string | null>;
  /** Why it never started (engine unreachable or an API error), or null. */
  readonly startError: Promise<DockerEngineError | null>;
}

/** Registry of live containers, so shutdown can remove them. */
export interface ContainerTracker {
  add(id: string): void;
  delete(id: string): void;
}

/**
 * Creates, attaches and starts a container for `req`, waits for it to exit and removes it. `kill`
 * asks the engine to stop it (SIGTERM, then SIGKILL after the grace) and force-removes it.
 */
export function startContainer(
  engine: EngineClient,
  settings: ContainerSettings,
  req: ContainerRequest,
  tracker: ContainerTracker,
  defaultGraceMs: number,
): ContainerProcess {
  const demux = new StreamDemux();
  const stdin = new PassThrough();
  let resolveId: (id: string | null) => void = () => {};
  const id = new Promise<string | null>((resolve) => {
    resolveId = resolve;
  });
  let killRequested: number | null = null;
  let startError: DockerEngineError | null = null;

  const remove = async (containerId: string) => {
    await engine
      .call("DELETE", `/containers/${containerId}?force=1&v=1`, undefined, { okStatuses: [404, 409] })
      .catch(() => {});
    tracker.delete(containerId);
  };

  const run = async (): Promise<{ code: number | null; signal: string | null }> => {
    let containerId: string;
    try {
      const created = await engine.call<{ Id: string }>(
        "POST",
        "/containers/create",
        containerCreateBody(settings, req),
      );
      containerId = created.Id;
    } catch (cause) {
      startError = asEngineError(engine, cause);
      resolveId(null);
      demux.note(`docker: ${startError.message}`);
      demux.end();
      return { code: null, signal: null };
    }
    tracker.add(containerId);
    resolveId(containerId);
    try {
      const streams = req.interactive ? "stdin=1&stdout=1&stderr=1" : "stdout=1&stderr=1";
      const { socket, head } = await engine.hijack(`/containers/${containerId}/attach?stream=1&${streams}`);
      if (head.length > 0) demux.push(head);
      socket.on("data", (chunk: Buffer) => demux.push(chunk));
      socket.once("close", () => demux.end());
      socket.on("error", () => {});
      if (req.interactive) {
        stdin.pipe(socket);
        stdin.once("end", () => socket.end());
      } else {
        stdin.resume();
      }
      if (killRequested !== null) throw new Error("stopped before start");
      await engine.call("POST", `/containers/${containerId}/start`, undefined, { okStatuses: [304] });
    } catch (cause) {
      startError = asEngineError(engine, cause);
      demux.note(`docker: ${startError.message}`);
      demux.end();
      await remove(containerId);
      return { code: null, signal: null };
    }
    let code: number | null = null;
    try {
      const waited = await engine.call<{ StatusCode: number }>(
        "POST",
        `/containers/${containerId}/wait`,
        undefined,
        {
          timeoutMs: null,
        },
      );
      code = waited.StatusCode;
    } catch {
      code = null; // the engine went away while it ran
    }
    await remove(containerId);
    demux.end();
    // 137/143: ended by SIGKILL/SIGTERM (docker-init reports 128 + signal)
    const signal =
      killRequested !== null && (code === 137 || code === 143)
        ? code === 137
          ? "SIGKILL"
          : "SIGTERM"
        : null;
    return { code: signal === null ? code : null, signal };
  };

  const exited = run();
  let stopping: Promise<void> | null = null;
  return {
    pid: undefined,
    stdin,
    stdout: demux.stdout,
    stderr: demux.stderr,
    exited,
    id,
    startError: exited.then(() => startError),
    kill(graceMs = defaultGraceMs) {
      stopping ??= (async () => {
        killRequested = graceMs;
        const containerId = await id;
        if (containerId !== null) {
          const seconds = Math.max(0, Math.ceil(graceMs / 1000));
          await engine
            .call("POST", `/containers/${containerId}/stop?t=${seconds}`, undefined, {
              okStatuses: [304, 404],
              timeoutMs: graceMs + 30_000,
            })
            .catch(() => {});
          await remove(containerId);
        }
        await exited;
      })();
      return stopping;
    },
  };
}

function asEngineError(engine: EngineClient, cause: unknown): DockerEngineError {
  if (cause instanceof DockerEngineError) return cause;
  return new DockerEngineError(
    "api_error",
    engine.label,
    null,
    cause instanceof Error ? cause.message : String(cause),
  );
}
