import { type ChildProcess, execFile, spawn } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { processesMentioning } from "./processes.js";
import { BUSYBOX, DOCKER_CLI, DOCKERD } from "./tools.js";

const run = promisify(execFile);

/** The programs the Docker tests need (for `describeNeeding`). */
export const DOCKER_TOOLS = [DOCKERD, DOCKER_CLI, BUSYBOX] as const;
/** Where dockerd is (`$DOCKERD_PATH` or Debian's). */
export const DOCKERD_PATH = DOCKERD.path;
/** The static busybox copied into test images. */
export const BUSYBOX_PATH = BUSYBOX.path;

/** A throw-away dockerd with its own data root and socket. */
export interface TestDockerd {
  /** `unix:///…/docker.sock`. */
  readonly address: string;
  readonly socketPath: string;
  readonly dir: string;
  /** SIGKILLs the daemon (a dead engine, for failover tests); `close` still cleans up. */
  kill(): Promise<void>;
  close(): Promise<void>;
}

/** Starts `dockerd` on a private unix socket (no TCP, no iptables changes) and waits until it answers. */
export async function startDockerd(): Promise<TestDockerd> {
  // unix socket paths are limited to ~100 characters: keep the directory short
  const dir = await mkdtemp("/tmp/sdk-");
  const socketPath = join(dir, "d.sock");
  const daemon = spawn(
    DOCKERD_PATH,
    [
      "--data-root",
      join(dir, "data"),
      "--exec-root",
      join(dir, "exec"),
      "--pidfile",
      join(dir, "d.pid"),
      "--host",
      `unix://${socketPath}`,
      "--iptables=false",
      "--ip-masq=false",
      "--bridge=none",
    ],
    { stdio: ["ignore", "ignore", "pipe"], detached: true },
  );
  let log = "";
  daemon.stderr?.on("data", (chunk: Buffer) => {
    log = (log + chunk.toString("utf8")).slice(-8_000);
  });
  const exited = new Promise<void>((resolve) => daemon.once("exit", () => resolve()));
  try {
    await waitReady(socketPath, daemon, () => log);
  } catch (cause) {
    daemon.kill("SIGKILL");
    await exited;
    await rm(dir, { recursive: true, force: true });
    throw cause;
  }
  const stop = async (signal: NodeJS.Signals) => {
    if (daemon.exitCode === null && daemon.signalCode === null) {
      try {
        process.kill(-(daemon.pid ?? 0), signal);
      } catch {
        daemon.kill(signal);
      }
      const timer = setTimeout(() => daemon.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
  };
  return {
    address: `unix://${socketPath}`,
    socketPath,
    dir,
    kill: () => stop("SIGKILL"),
    async close() {
      await removeAllContainers(socketPath).catch(() => {});
      await stop("SIGTERM");
      // containerd and its shims of a killed daemon may linger; they mention the directory
      for (const pid of await processesMentioning(dir)) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
      await unmountUnder(dir);
      await rm(dir, { recursive: true, force: true }).catch(() => {});
    },
  };
}

/** `docker` CLI against a test daemon (for building images and inspecting state). */
export async function dockerCli(
  daemon: Pick<TestDockerd, "address">,
  args: readonly string[],
): Promise<string> {
  const { stdout } = await run("docker", ["-H", daemon.address, ...args], { maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

/** Ids of the containers (any state) on a test daemon carrying a label. */
export async function containersLabelled(
  daemon: Pick<TestDockerd, "address">,
  label: string,
): Promise<string[]> {
  const out = await dockerCli(daemon, ["ps", "-aq", "--filter", `label=${label}`]);
  return out.split("\n").filter((line) => line.trim() !== "");
}

/** The test agent image's tag. */
export const TEST_IMAGE = "symphony-test-agent:local";

/**
 * Builds {@link TEST_IMAGE} `FROM scratch` out of this machine's files: busybox for the shell tools,
 * bash with its shared libraries (found with `ldd`). The codex binary (~300 MB) is not copied in: tests
 * bind-mount it read-only (`docker.read_only_mounts`), which keeps the build around a second.
 */
export async function buildTestImage(daemon: Pick<TestDockerd, "address">): Promise<void> {
  const context = await mkdtemp(join(tmpdir(), "symphony-image-"));
  try {
    const put = async (source: string, target: string) => {
      await mkdir(join(context, dirname(target)), { recursive: true });
      await copyFile(source, join(context, target));
    };
    await put(BUSYBOX_PATH, "bin/busybox");
    const { stdout } = await run(BUSYBOX_PATH, ["--list"]);
    for (const applet of stdout.split("\n").filter((a) => a !== "" && a !== "busybox" && a !== "bash")) {
      await symlink("busybox", join(context, "bin", applet)).catch(() => {});
    }
    await put("/usr/bin/bash", "bin/bash");
    for (const lib of await sharedLibraries("/usr/bin/bash")) await put(lib, lib.slice(1));
    await mkdir(join(context, "tmp"), { recursive: true });
    await mkdir(join(context, "etc"), { recursive: true });
    await writeFile(
      join(context, "etc/passwd"),
      "root:x:0:0:root:/root:/bin/sh\nagent:x:1000:1000::/tmp:/bin/sh\n",
    );
    await writeFile(join(context, ".dockerignore"), "Dockerfile\n.dockerignore\n");
    await writeFile(
      join(context, "Dockerfile"),
      ["FROM scratch", "COPY . /", "ENV PATH=/usr/local/bin:/usr/bin:/bin", 'CMD ["/bin/sh"]', ""].join("\n"),
    );
    await dockerCli(daemon, ["build", "-q", "-t", TEST_IMAGE, context]);
  } finally {
    await rm(context, { recursive: true, force: true });
  }
}

/** Absolute paths of the shared libraries (and the loader) a dynamically linked binary needs. */
export async function sharedLibraries(binary: string): Promise<string[]> {
  const { stdout } = await run("ldd", [binary]);
  const paths = new Set<string>();
  for (const line of stdout.split("\n")) {
    const match = /(\/\S+)\s+\(0x/.exec(line);
    if (match?.[1] !== undefined) paths.add(match[1]);
  }
  return [...paths];
}

// dockerd leaves network-namespace (nsfs) and overlay mounts under its directories: detach them, deepest first
async function unmountUnder(dir: string): Promise<void> {
  const mounts = (await readFile("/proc/self/mounts", "utf8"))
    .split("\n")
    .map((line) => line.split(" ")[1] ?? "")
    .filter((target) => target.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const target of mounts) await run("umount", ["-l", target]).catch(() => {});
}

async function removeAllContainers(socketPath: string): Promise<void> {
  const { stdout } = await run("docker", ["-H", `unix://${socketPath}`, "ps", "-aq"]);
  const ids = stdout.split("\n").filter((l) => l !== "");
  if (ids.length > 0) await run("docker", ["-H", `unix://${socketPath}`, "rm", "-f", ...ids]);
}

async function waitReady(socketPath: string, daemon: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (daemon.exitCode !== null || daemon.signalCode !== null) {
      throw new Error(`dockerd exited early:\n${log()}`);
    }
    if (await ping(socketPath)) return;
    if (Date.now() > deadline) throw new Error(`dockerd did not answer within 30 s:\n${log()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function ping(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: "/_ping", method: "GET" }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.once("error", () => resolve(false));
    req.end();
  });
}

/** Reads a file as text, or "" when it is missing. */
export async function readText(path: string): Promise<string> {
  return readFile(path, "utf8").catch(() => "");
}
