import { createHash, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "../../domain/logger.js";
import type { HostFleet } from "../kind.js";
import { createDockerHost, type DockerHost, dockerHostName, isDockerHostName } from "./docker-host.js";
import { parseEngineAddress } from "./engine-address.js";
import { EngineClient, type EngineTls } from "./engine-client.js";
import { reapContainers } from "./reaper.js";
import type { DockerConfig, DockerEngineConfig } from "./settings.js";

/** What a fleet reads: the live `docker:` section and the workspace root. */
export interface DockerFleetDeps {
  readonly docker: () => DockerConfig | undefined;
  readonly workspaceRoot: () => string;
  /** The workflow file: the default service label is derived from it. */
  readonly workflowPath: string;
  readonly logger: Logger;
  readonly killGraceMs?: number;
}

/** The Docker hosts of one service process, made on first use, with startup and shutdown sweeps. */
export interface DockerFleet extends HostFleet {
  /** The host for `docker:<engine>` (throws for an engine that is not configured); undefined for other names. */
  host(name: string): DockerHost | undefined;
  /** Removes containers any earlier process of this service left on every configured engine. */
  reapStale(): Promise<void>;
  /** Removes every container this process still has, on every engine it used. */
  close(): Promise<void>;
}

/** Builds the fleet; `instanceId` tells this process's containers apart from a predecessor's. */
export function createDockerFleet(deps: DockerFleetDeps, instanceId: string = randomUUID()): DockerFleet {
  const hosts = new Map<string, DockerHost>();
  const serviceId = () =>
    deps.docker()?.serviceId ?? createHash("sha256").update(deps.workflowPath).digest("hex").slice(0, 16);
  const engines = () => deps.docker()?.engines ?? [];

  return {
    host(name) {
      if (!isDockerHostName(name)) return undefined;
      const existing = hosts.get(name);
      if (existing !== undefined) return existing;
      const config = deps.docker();
      const engine = config?.engines.find((e) => dockerHostName(e.name) === name);
      if (config === undefined || engine === undefined)
        throw new TypeError(`no Docker engine configured for ${name}`);
      const host = createDockerHost({
        engineName: engine.name,
        engine: engineClient(engine),
        container: config.container,
        workspaceRoot: deps.workspaceRoot,
        serviceId: serviceId(),
        instanceId,
        ...(deps.killGraceMs === undefined ? {} : { killGraceMs: deps.killGraceMs }),
      });
      hosts.set(name, host);
      return host;
    },
    async reapStale() {
      await Promise.all(
        engines().map(async (engine) => {
          try {
            const removed = await reapContainers(engineClient(engine), { serviceId: serviceId() });
            if (removed > 0)
              deps.logger.info("removed leftover containers", { engine: engine.name, removed });
          } catch (cause) {
            deps.logger.warn("could not sweep leftover containers", {
              engine: engine.name,
              error: cause instanceof Error ? cause.message : String(cause),
            });
          }
        }),
      );
    },
    async close() {
      await Promise.all([...hosts.values()].map((host) => host.close()));
      await Promise.all(
        engines().map((engine) =>
          reapContainers(engineClient(engine), { serviceId: serviceId(), instanceId }).catch(() => 0),
        ),
      );
    },
  };
}

/** An Engine API client for one configured engine (TLS material read from `tls_dir`). */
export function engineClient(engine: DockerEngineConfig, timeoutMs?: number): EngineClient {
  const parsed = parseEngineAddress(engine.address, engine.tlsDir !== null);
  if (!parsed.ok) throw new TypeError(`invalid engine address ${engine.address}: ${parsed.error.reason}`);
  return new EngineClient(engine.name, parsed.value, {
    ...(engine.tlsDir === null ? {} : { tls: readTls(engine.tlsDir) }),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
}

function readTls(dir: string): EngineTls {
  const read = (file: string) => readFileSync(join(dir, file), "utf8");
  return { ca: read("ca.pem"), cert: read("cert.pem"), key: read("key.pem") };
}
