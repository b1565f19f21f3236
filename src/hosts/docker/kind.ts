import { resolveConfigPath } from "../../config/env-values.js";
import type { HostKind } from "../kind.js";
import { buildDockerConfig, type DockerConfig, dockerSchema } from "./settings.js";

declare module "../../config/types.js" {
  interface HostSections {
    /** `docker:` — present when `worker.kind` is `docker`. */
    readonly docker: DockerConfig;
  }
}

/** Prefix of every Docker host's name (`docker:<engine name>`), as recorded on runs. */
export const DOCKER_HOST_PREFIX = "docker:";

/** `worker.kind: docker` — every hook and agent in a fresh container on one of the `docker.engines`. */
export const dockerHostKind: HostKind<DockerConfig> = {
  name: "docker",
  handles: (name) => name.startsWith(DOCKER_HOST_PREFIX),
  settings: {
    section: "docker",
    schema: dockerSchema,
    resolve: (parsed, ctx) => {
      const built = buildDockerConfig(parsed as Parameters<typeof buildDockerConfig>[0], (path) =>
        resolveConfigPath(path, ctx.workflowDir, ctx.env),
      );
      return { settings: built.settings, secrets: [], problems: built.problems };
    },
    pool: (docker) =>
      docker.engines.map((engine) => ({
        name: `${DOCKER_HOST_PREFIX}${engine.name}`,
        cap: engine.maxConcurrentAgents,
      })),
  },
  fleet: async (deps) => {
    const { createDockerFleet } = await import("./fleet.js");
    return createDockerFleet({
      docker: () => deps.worker().docker,
      workspaceRoot: deps.workspaceRoot,
      workflowPath: deps.workflowPath,
      logger: deps.logger,
      ...(deps.killGraceMs === undefined ? {} : { killGraceMs: deps.killGraceMs }),
    });
  },
  doctor: async (worker, timeoutMs) => {
    if (worker.docker === undefined) return [];
    const { checkDockerEngines } = await import("./doctor.js");
    return checkDockerEngines(worker.docker, timeoutMs);
  },
};
