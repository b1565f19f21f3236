import { describe, expect, it } from "vitest";
import { buildServiceConfig } from "../../../src/config/build-config.js";
import { parseEngineAddress } from "../../../src/hosts/docker/engine-address.js";
import { CONFIG_KINDS } from "../../../src/kinds.js";
import { HostSlots } from "../../../src/orchestrator/host-slots.js";
import { buildConfig } from "../../support/workflow-fixtures.js";

function problems(raw: Record<string, unknown>): string[] {
  const built = buildServiceConfig(
    { tracker: { kind: "memory" }, ...raw },
    { workflowPath: "/w/WORKFLOW.md", env: {}, kinds: CONFIG_KINDS },
  );
  return built.ok ? [] : built.error.map((e) => `${e.key}: ${e.message}`);
}

describe("docker: settings", () => {
  it("worker.kind docker with defaults: local socket, no network, non-root, read-only root, pids limit", () => {
    const config = buildConfig({ worker: { kind: "docker" }, docker: { image: "agent:1" } }, "/w");
    expect(config.worker.kind).toBe("docker");
    expect(config.worker.docker).toEqual({
      serviceId: null,
      engines: [
        {
          name: "unix:///var/run/docker.sock",
          address: "unix:///var/run/docker.sock",
          maxConcurrentAgents: null,
          tlsDir: null,
        },
      ],
      container: {
        image: "agent:1",
        network: "none",
        cpus: null,
        memoryMb: null,
        pidsLimit: 1024,
        user: "1000:1000",
        readOnlyRoot: true,
        readOnlyMounts: [],
        tmpSizeMb: 512,
      },
    });
  });

  it("resolves tls_dir and mount sources against the workflow directory", () => {
    const config = buildConfig(
      {
        worker: { kind: "docker" },
        docker: {
          image: "agent:1",
          engines: [
            { address: "tcp://build-1:2376", name: "b1", max_concurrent_agents: 3, tls_dir: "certs" },
          ],
          read_only_mounts: ["tools:/opt/tools"],
        },
      },
      "/w",
    );
    expect(config.worker.docker?.engines).toEqual([
      { name: "b1", address: "tcp://build-1:2376", maxConcurrentAgents: 3, tlsDir: "/w/certs" },
    ]);
    expect(config.worker.docker?.container.readOnlyMounts).toEqual([
      { source: "/w/tools", target: "/opt/tools" },
    ]);
  });

  it("refuses a missing image, bad engines, duplicate names, root and malformed mounts, by key", () => {
    expect(
      problems({
        worker: { kind: "docker" },
        docker: {
          engines: [
            "ftp://x",
            "unix://relative",
            { address: "tcp://a:1", name: "a" },
            { address: "tcp://b:1", name: "a" },
          ],
          user: "0",
          read_only_mounts: ["/only-source"],
        },
      }),
    ).toEqual([
      "docker.image: is required when worker.kind is docker",
      'docker.engines[0]: unsupported scheme ftp:, got "ftp://x"',
      'docker.engines[1]: a unix socket path must be absolute, got "unix://relative"',
      'docker.engines[3]: duplicate engine name "a"',
      'docker.read_only_mounts[0]: must be host-path:/container-path, got "/only-source"',
      "docker.user: must not be root (uid 0)",
    ]);
    expect(problems({ worker: { kind: "ssh" } })).toEqual([
      "worker.ssh_hosts: must name at least one host when worker.kind is ssh",
    ]);
    // the docker: section is not checked unless the worker kind is docker
    expect(problems({ docker: { user: "0" } })).toEqual([]);
  });

  it("engine addresses: unix, tcp (TLS by flag or https), ssh; option-like ssh hosts refused", () => {
    expect(parseEngineAddress("unix:///run/docker.sock")).toEqual({
      ok: true,
      value: { kind: "unix", socketPath: "/run/docker.sock" },
    });
    expect(parseEngineAddress("tcp://10.0.0.2:2375")).toEqual({
      ok: true,
      value: { kind: "tcp", host: "10.0.0.2", port: 2375, tls: false },
    });
    expect(parseEngineAddress("tcp://h", true)).toEqual({
      ok: true,
      value: { kind: "tcp", host: "h", port: 2376, tls: true },
    });
    expect(parseEngineAddress("ssh://me@box:2222")).toEqual({
      ok: true,
      value: { kind: "ssh", destination: "me@box", port: 2222 },
    });
    expect(parseEngineAddress("ssh://-oProxyCommand=x").ok).toBe(false);
  });

  it("engines form a pool: least-loaded placement under per-engine caps, falling back to the worker-wide cap", () => {
    const config = buildConfig(
      {
        worker: { kind: "docker", max_concurrent_agents_per_host: 2 },
        docker: {
          image: "a",
          engines: [
            { address: "unix:///a.sock", name: "a", max_concurrent_agents: 1 },
            { address: "unix:///b.sock", name: "b" },
          ],
        },
      },
      "/w",
    );
    const slots = new HostSlots(config.worker, []);
    expect(slots.choose()).toEqual({ ok: true, value: "docker:a" });
    slots.take("docker:a");
    expect(slots.choose()).toEqual({ ok: true, value: "docker:b" });
    slots.take("docker:b");
    expect(slots.choose()).toEqual({ ok: true, value: "docker:b" });
    slots.take("docker:b");
    const full = slots.choose();
    expect(full.ok).toBe(false);
    // an unreachable engine is avoided on the retry while the other has room
    expect(new HostSlots(config.worker, []).choose({ preferred: "docker:a", avoid: "docker:a" })).toEqual({
      ok: true,
      value: "docker:b",
    });
  });
});
