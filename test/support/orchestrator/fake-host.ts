import { mkdir, realpath, rm, stat } from "node:fs/promises";
import type { Result } from "../../../src/domain/result.js";
import type {
  Host,
  HostError,
  HostProcess,
  RunScriptOptions,
  ScriptResult,
} from "../../../src/hosts/host.js";
import { createLocalHost } from "../../../src/hosts/local.js";

const disk = createLocalHost();

/** A scripted outcome for a hook script (matched by exact script text). */
export type ScriptBehaviour =
  | Partial<ScriptResult>
  | ((options: RunScriptOptions) => Promise<Partial<ScriptResult>>);

/**
 * An in-process Host for unit tests: real directories on disk, hook scripts answered from a table
 * instead of running bash. Every `runScript` call is recorded.
 */
export class FakeHost implements Host {
  readonly name = "local";
  readonly localFilesystem = true;
  readonly closableStdin = true;

  listDirs(path: string): Promise<Result<ReadonlySet<string>, HostError>> {
    return disk.listDirs(path);
  }

  dirExists(path: string): Promise<Result<boolean, HostError>> {
    return disk.dirExists(path);
  }

  realPath(path: string): Promise<Result<string | null, HostError>> {
    return disk.realPath(path);
  }

  failureOf(_cause: unknown): HostError | null {
    return null;
  }
  readonly scripts: { script: string; options: RunScriptOptions }[] = [];
  readonly behaviours = new Map<string, ScriptBehaviour>();

  async ensureDir(path: string): Promise<{ created: boolean; realPath: string }> {
    let created = false;
    try {
      const s = await stat(path);
      if (!s.isDirectory()) throw new Error(`not a directory: ${path}`);
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code !== "ENOENT") throw cause;
      await mkdir(path, { recursive: true });
      created = true;
    }
    return { created, realPath: await realpath(path) };
  }

  async remove(path: string): Promise<void> {
    await rm(path, { recursive: true, force: true });
  }

  async runScript(script: string, options: RunScriptOptions): Promise<ScriptResult> {
    this.scripts.push({ script, options });
    const behaviour = this.behaviours.get(script) ?? {};
    const partial = typeof behaviour === "function" ? await behaviour(options) : behaviour;
    return {
      exitCode: 0,
      signal: null,
      timedOut: false,
      aborted: false,
      output: "",
      truncated: false,
      ...partial,
    };
  }

  spawn(): HostProcess {
    throw new Error("FakeHost.spawn is not supported");
  }
}
