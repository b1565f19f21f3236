/** Label keys every Symphony container carries (the reaper selects on them). */
export const LABELS = {
  managed: "io.symphony.managed",
  service: "io.symphony.service",
  instance: "io.symphony.instance",
  role: "io.symphony.role",
  workspace: "io.symphony.workspace",
  issue: "io.symphony.issue",
} as const;

/** How every container of a Docker host is confined (from `docker:` in WORKFLOW.md). */
export interface ContainerSettings {
  readonly image: string;
  /** `none`, `bridge`, `host` or a named network. */
  readonly network: string;
  /** CPU limit in cores (fractions allowed); null = no limit. */
  readonly cpus: number | null;
  /** Memory limit in MiB; null = no limit. */
  readonly memoryMb: number | null;
  /** Process limit; null = no limit. */
  readonly pidsLimit: number | null;
  /** `uid[:gid]` the hooks and the agent run as. */
  readonly user: string;
  readonly readOnlyRoot: boolean;
  /** Extra bind mounts, always read-only: host path → path inside. */
  readonly readOnlyMounts: readonly { readonly source: string; readonly target: string }[];
  /** Size of the writable `/tmp` tmpfs (also `HOME` unless the env names one), in MiB. */
  readonly tmpSizeMb: number;
}

/** One container to create: the command, where, with which env and mount, and why (role). */
export interface ContainerRequest {
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  /** Host path bind-mounted read-write at the same path inside. */
  readonly mount: string;
  readonly role: "agent" | "hook" | "control";
  readonly interactive: boolean;
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * The `POST /containers/create` body. Agent and hook containers run as the configured non-root user with
 * every capability dropped, `no-new-privileges`, a read-only root and the resource limits; control
 * containers (mkdir/chown/rm of workspaces) run as root but keep only the file-ownership capabilities.
 */
export function containerCreateBody(
  settings: ContainerSettings,
  req: ContainerRequest,
): Record<string, unknown> {
  const control = req.role === "control";
  const env = { ...req.env };
  if (env.HOME === undefined) env.HOME = "/tmp";
  return {
    Image: settings.image,
    Cmd: [...req.argv],
    WorkingDir: req.cwd,
    Env: Object.entries(env).map(([name, value]) => `${name}=${value}`),
    User: control ? "0:0" : settings.user,
    Labels: { ...req.labels, [LABELS.role]: req.role },
    AttachStdin: req.interactive,
    OpenStdin: req.interactive,
    StdinOnce: req.interactive,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    HostConfig: {
      Binds: [
        `${req.mount}:${req.mount}:rw`,
        ...settings.readOnlyMounts.map((m) => `${m.source}:${m.target}:ro`),
      ],
      NetworkMode: control ? "none" : settings.network,
      ReadonlyRootfs: settings.readOnlyRoot,
      CapDrop: ["ALL"],
      CapAdd: control ? ["CHOWN", "DAC_OVERRIDE", "FOWNER"] : [],
      SecurityOpt: ["no-new-privileges"],
      Init: true,
      Tmpfs: { "/tmp": `rw,nosuid,nodev,size=${settings.tmpSizeMb}m` },
      ...(settings.cpus === null ? {} : { NanoCpus: Math.round(settings.cpus * 1e9) }),
      ...(settings.memoryMb === null ? {} : { Memory: settings.memoryMb * 1024 * 1024 }),
      ...(settings.pidsLimit === null ? {} : { PidsLimit: settings.pidsLimit }),
    },
  };
}
