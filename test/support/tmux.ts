import { execFile } from "node:child_process";
import { promisify } from "node:util";

import { TMUX } from "./tools.js";

const run = promisify(execFile);

/** A detached tmux session on a private server socket; the test reads its screen. */
export class TmuxSession {
  readonly #socket: string;
  readonly #env: NodeJS.ProcessEnv;

  private constructor(socket: string, env: NodeJS.ProcessEnv) {
    this.#socket = socket;
    this.#env = env;
  }

  /** Starts `command` (a shell command line) in a `width`×`height` window. */
  static async start(
    command: string,
    options: { width: number; height: number; env: NodeJS.ProcessEnv; cwd: string },
  ): Promise<TmuxSession> {
    const socket = `symphony-test-${process.pid}-${Math.random().toString(36).slice(2)}`;
    const session = new TmuxSession(socket, options.env);
    await session.tmux(
      "-f",
      "/dev/null",
      "new-session",
      "-d",
      "-s",
      "main",
      "-x",
      String(options.width),
      "-y",
      String(options.height),
      "-c",
      options.cwd,
      command,
    );
    await session.tmux("set-option", "-t", "main", "remain-on-exit", "on");
    return session;
  }

  /** The visible screen as text lines (no styling). */
  async screen(): Promise<string> {
    return (await this.tmux("capture-pane", "-p", "-t", "main")).stdout;
  }

  /** Types text into the pane (no Enter unless included as a separate "Enter" key). */
  async sendKeys(...keys: string[]): Promise<void> {
    await this.tmux("send-keys", "-t", "main", ...keys);
  }

  /** Resizes the window. */
  async resize(width: number, height: number): Promise<void> {
    await this.tmux("resize-window", "-t", "main", "-x", String(width), "-y", String(height));
  }

  /** The pid of the process running in the pane. */
  async panePid(): Promise<number> {
    return Number((await this.tmux("display-message", "-p", "-t", "main", "#{pane_pid}")).stdout.trim());
  }

  /** True once the pane's command has exited. */
  async paneDead(): Promise<boolean> {
    return (await this.tmux("display-message", "-p", "-t", "main", "#{pane_dead}")).stdout.trim() === "1";
  }

  /** Kills the session and its private tmux server. */
  async kill(): Promise<void> {
    await this.tmux("kill-server").catch(() => {});
  }

  tmux(...args: string[]): Promise<{ stdout: string; stderr: string }> {
    return run(TMUX.path, ["-L", this.#socket, ...args], { env: this.#env });
  }
}
