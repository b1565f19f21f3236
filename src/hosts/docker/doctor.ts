import { type CheckResult, result } from "../../domain/doctor-finding.js";
import { messageOf } from "../../domain/errors.js";
import { DockerEngineError } from "./engine-client.js";
import { engineClient } from "./fleet.js";
import type { DockerConfig } from "./settings.js";

/**
 * Each `docker.engines` entry answers the Engine API and has `docker.image`: unreachable or a missing
 * image → fail (the engine could never start a run).
 */
export async function checkDockerEngines(
  docker: DockerConfig,
  timeoutMs: number,
): Promise<readonly CheckResult[]> {
  const image = docker.container.image;
  return Promise.all(
    docker.engines.map(async (engine): Promise<CheckResult> => {
      const name = `docker ${engine.name}`;
      try {
        const client = engineClient(engine, timeoutMs);
        const version = await client.call<{ Version?: string }>("GET", "/version");
        const found = await client
          .call("GET", `/images/${encodeURIComponent(image)}/json`)
          .then(() => true)
          .catch((cause: unknown) => {
            if (cause instanceof DockerEngineError && cause.status === 404) return false;
            throw cause;
          });
        if (!found) {
          return result(
            name,
            "fail",
            `image ${image} is not on this engine`,
            `build or pull ${image} on ${engine.name}`,
          );
        }
        return result(name, "ok", `engine ${version?.Version ?? "?"}, image ${image} present`);
      } catch (cause) {
        const unreachable = cause instanceof DockerEngineError && cause.kind === "unreachable";
        return result(
          name,
          "fail",
          unreachable ? `unreachable: ${messageOf(cause)}` : messageOf(cause),
          unreachable
            ? `check that the engine at ${engine.address} runs and the service user may use it`
            : "check docker.engines",
        );
      }
    }),
  );
}
