import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createConnection, createServer, type Server } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { SSHD } from "./tools.js";

const run = promisify(execFile);

/** A real OpenSSH server on 127.0.0.1 for tests, with its own keys and a client config that trusts it. */
export interface TestSshd {
  readonly port: number;
  /** A client config (`ssh -F`) with `Host sshd-test` pointing at this server and relaxed host checks. */
  readonly configPath: string;
  /** A scratch directory the test may use (it is removed by `close`). */
  readonly dir: string;
  /**
   * The remote login's HOME: an empty directory made for this server. The machine's real login files
   * (root's `~/.bashrc` running `pyenv init`, say) would otherwise run in every remote `bash -lc` and can
   * stall it — a stale pyenv rehash lock once made 29 SSH tests time out at once.
   */
  readonly home: string;
  /** The user the client logs in as (the user running the tests; never assumed to be root). */
  readonly user: string;
  /** Stops the server and removes its keys and configs. */
  close(): Promise<void>;
}

/** Starts `sshd -D` on a free loopback port, accepting only a freshly generated client key. */
export async function startSshd(): Promise<TestSshd> {
  const dir = await mkdtemp(join(tmpdir(), "symphony-sshd-"));
  const home = join(dir, "home");
  await mkdir(home, { mode: 0o755 });
  const user = userInfo().username;
  // as root, sshd refuses to start without its privilege-separation directory (only root may create it)
  if (process.getuid?.() === 0) await mkdir("/run/sshd", { recursive: true, mode: 0o755 });
  await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(dir, "host_key")]);
  await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(dir, "client_key")]);
  await writeFile(join(dir, "authorized_keys"), await readFile(join(dir, "client_key.pub")), { mode: 0o600 });
  const port = await freePort();
  const serverConfig = join(dir, "sshd_config");
  await writeFile(
    serverConfig,
    [
      `Port ${port}`,
      "ListenAddress 127.0.0.1",
      `HostKey ${join(dir, "host_key")}`,
      `PidFile ${join(dir, "sshd.pid")}`,
      `AuthorizedKeysFile ${join(dir, "authorized_keys")}`,
      "PubkeyAuthentication yes",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "PermitRootLogin prohibit-password",
      "StrictModes no",
      "UsePAM no",
      "PrintMotd no",
      // keep the machine's login files out of remote shells: HOME is an empty directory of the test's
      `SetEnv HOME=${home}`,
      // the server would accept these; the host must still not let them through
      "AcceptEnv LEAKY_*",
      "",
    ].join("\n"),
  );
  const configPath = join(dir, "ssh_config");
  await writeFile(
    configPath,
    [
      "Host sshd-test",
      "  HostName 127.0.0.1",
      `  Port ${port}`,
      "Host *",
      `  User ${user}`,
      `  IdentityFile ${join(dir, "client_key")}`,
      "  IdentitiesOnly yes",
      "  StrictHostKeyChecking no",
      "  UserKnownHostsFile /dev/null",
      "  LogLevel ERROR",
      "  SendEnv LEAKY_*",
      "",
    ].join("\n"),
  );
  const sshd = spawn(SSHD.path, ["-D", "-e", "-f", serverConfig], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  sshd.stderr?.on("data", (chunk: Buffer) => {
    log += chunk.toString("utf8");
  });
  try {
    await waitListening(port, sshd, () => log);
  } catch (cause) {
    sshd.kill("SIGKILL");
    await rm(dir, { recursive: true, force: true });
    throw cause;
  }
  return {
    port,
    configPath,
    dir,
    home,
    user,
    async close() {
      await stop(sshd);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A TCP listener that accepts connections and never says anything (an SSH server that hangs). */
export async function startSilentServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<import("node:net").Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

async function waitListening(port: number, sshd: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (sshd.exitCode !== null) throw new Error(`sshd exited early: ${log()}`);
    if (await canConnect(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`sshd did not listen on ${port}: ${log()}`);
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 2_000);
  await exited;
  clearTimeout(timer);
}
