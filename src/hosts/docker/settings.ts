import { z } from "zod";
import { type ConfigProblem, problem } from "../../domain/config-problem.js";
import type { ContainerSettings } from "./container-spec.js";
import { DEFAULT_ENGINE_ADDRESS, parseEngineAddress } from "./engine-address.js";

const text = z.string({ error: "must be a string" });
const nonBlank = text.trim().min(1, { error: "must not be blank" });
const positive = z
  .number({ error: "must be a positive number" })
  .positive({ error: "must be a positive number" });
const positiveInt = z
  .number({ error: "must be a positive integer" })
  .int({ error: "must be a positive integer" })
  .positive({ error: "must be a positive integer" });

const engineSchema = z.union([
  nonBlank,
  z.object({
    address: nonBlank.describe("unix:///path, tcp://host:port or ssh://[user@]host[:port]"),
    name: nonBlank.optional().describe("Name in logs and on runs (default: the address)"),
    max_concurrent_agents: positiveInt
      .nullable()
      .default(null)
      .describe("Cap for this engine; null → worker.max_concurrent_agents_per_host"),
    tls_dir: nonBlank
      .nullable()
      .default(null)
      .describe("Directory with ca.pem, cert.pem, key.pem for a TLS tcp:// engine"),
  }),
]);

/** `docker:` — containers for hooks and agents when `worker.kind` is `docker`. */
export const dockerSchema = z
  .object({
    image: nonBlank.nullable().default(null).describe("Agent image (needs bash; see examples/docker/)"),
    engines: z
      .array(engineSchema, { error: "must be a list of engine addresses" })
      .default([DEFAULT_ENGINE_ADDRESS])
      .describe("Docker engines; several form a pool with least-loaded placement"),
    network: nonBlank.default("none").describe("none, bridge, host or a named network"),
    cpus: positive.nullable().default(null).describe("CPU limit per container (cores)"),
    memory_mb: positiveInt.nullable().default(null).describe("Memory limit per container (MiB)"),
    pids_limit: positiveInt.nullable().default(1024).describe("Process limit per container"),
    user: nonBlank.default("1000:1000").describe("uid[:gid] hooks and agents run as"),
    read_only_root: z.boolean({ error: "must be true or false" }).default(true),
    read_only_mounts: z
      .array(nonBlank, { error: "must be a list of source:target" })
      .default([])
      .describe("Extra read-only bind mounts, `host-path:container-path`"),
    tmp_size_mb: positiveInt.default(512).describe("Size of the writable /tmp (also HOME)"),
    service_id: nonBlank
      .nullable()
      .default(null)
      .describe("Label value that marks this service's containers (default: derived from the workflow path)"),
  })
  .prefault({});

/** The parsed `docker:` section. */
export type DockerFrontMatter = z.output<typeof dockerSchema>;

/** One configured engine. */
export interface DockerEngineConfig {
  readonly name: string;
  readonly address: string;
  readonly maxConcurrentAgents: number | null;
  readonly tlsDir: string | null;
}

/** `docker:` after validation: the engines and how their containers are confined. */
export interface DockerConfig {
  readonly engines: readonly DockerEngineConfig[];
  readonly container: ContainerSettings;
  readonly serviceId: string | null;
}

/** Validates the section for `worker.kind: docker`; problems are typed, at `docker.*` keys. */
export function buildDockerConfig(
  fm: DockerFrontMatter,
  resolvePath: (path: string) => string,
): { readonly settings: DockerConfig | null; readonly problems: readonly ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const add = (key: string, rule: string, message: string, got?: string): void => {
    problems.push(problem(key, rule, message, got));
  };
  if (fm.image === null) add("docker.image", "required", "is required when worker.kind is docker");
  const engines: DockerEngineConfig[] = [];
  const names = new Set<string>();
  for (const [i, entry] of fm.engines.entries()) {
    const spec =
      typeof entry === "string" ? { address: entry, max_concurrent_agents: null, tls_dir: null } : entry;
    const parsed = parseEngineAddress(spec.address, spec.tls_dir !== null);
    const name = ("name" in spec ? spec.name : undefined) ?? spec.address;
    const got = JSON.stringify(spec.address);
    if (!parsed.ok) {
      add(`docker.engines[${i}]`, "engine_address", `${parsed.error.reason}, got ${got}`, got);
    } else if (names.has(name)) {
      add(`docker.engines[${i}]`, "unique", `duplicate engine name ${JSON.stringify(name)}`, name);
    } else {
      names.add(name);
      engines.push({
        name,
        address: spec.address,
        maxConcurrentAgents: spec.max_concurrent_agents,
        tlsDir: spec.tls_dir === null ? null : resolvePath(spec.tls_dir),
      });
    }
  }
  if (fm.engines.length === 0) add("docker.engines", "non_empty", "must name at least one engine");
  const mounts: { source: string; target: string }[] = [];
  for (const [i, mount] of fm.read_only_mounts.entries()) {
    const [source, target, ...rest] = mount.split(":");
    if (source === undefined || target === undefined || rest.length > 0 || !target.startsWith("/")) {
      const got = JSON.stringify(mount);
      add(`docker.read_only_mounts[${i}]`, "mount", `must be host-path:/container-path, got ${got}`, got);
    } else {
      mounts.push({ source: resolvePath(source), target });
    }
  }
  if (!/^\d+(:\d+)?$/.test(fm.user))
    add("docker.user", "uid", `must be a numeric uid[:gid], got ${JSON.stringify(fm.user)}`, fm.user);
  else if (fm.user.split(":")[0] === "0") add("docker.user", "non_root", "must not be root (uid 0)", fm.user);
  if (problems.length > 0 || fm.image === null) return { settings: null, problems };
  return {
    problems,
    settings: {
      engines,
      serviceId: fm.service_id,
      container: {
        image: fm.image,
        network: fm.network,
        cpus: fm.cpus,
        memoryMb: fm.memory_mb,
        pidsLimit: fm.pids_limit,
        user: fm.user,
        readOnlyRoot: fm.read_only_root,
        readOnlyMounts: mounts,
        tmpSizeMb: fm.tmp_size_mb,
      },
    },
  };
}
