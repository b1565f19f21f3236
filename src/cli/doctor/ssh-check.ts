import { messageOf } from "../../domain/errors.js";
import { buildChildEnv } from "../../hosts/child-env.js";
import { createSshHost, DEFAULT_SSH_CONNECT_TIMEOUT_MS, type SshHostOptions } from "../../hosts/ssh.js";
import { type CheckResult, result } from "./check.js";

/**
 * Each `worker.ssh_hosts` entry answers `true` over the real SSH host within the connect timeout:
 * unreachable → fail (the host would never take work), a non-zero exit → warn.
 */
export async function checkSshHosts(
  hosts: readonly string[],
  env: NodeJS.ProcessEnv,
  signal: AbortSignal,
  options: SshHostOptions = {},
): Promise<readonly CheckResult[]> {
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_SSH_CONNECT_TIMEOUT_MS;
  return Promise.all(
    hosts.map(async (destination): Promise<CheckResult> => {
      const name = `ssh ${destination}`;
      try {
        const host = createSshHost(destination, { parentEnv: env, ...options, connectTimeoutMs });
        const ran = await host.runScript("true", {
          cwd: "/",
          timeoutMs: connectTimeoutMs + 5_000,
          env: buildChildEnv({ parent: {} }),
          signal,
        });
        if (ran.exitCode === 0) return result(name, "ok", "answered `true`");
        if (ran.unreachable === true || ran.timedOut) {
          return result(
            name,
            "fail",
            `unreachable: ${ran.timedOut ? "timed out" : (ran.output.trim().split("\n").at(-1) ?? "")}`,
            `check \`ssh ${destination} true\` works non-interactively for the service user (keys, known_hosts)`,
          );
        }
        return result(
          name,
          "warn",
          `\`true\` exited ${String(ran.exitCode)}: ${ran.output.trim().slice(0, 200)}`,
          "check the remote shell files (ssh runs the remote login shell, which may read ~/.bashrc)",
        );
      } catch (cause) {
        return result(name, "fail", messageOf(cause), "fix the destination in worker.ssh_hosts");
      }
    }),
  );
}
