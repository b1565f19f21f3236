import { PassThrough } from "node:stream";
import type { CliIo } from "../../src/cli/io.js";

/** A {@link CliIo} that captures stdout and stderr as strings, for running the CLI in-process. */
export function captureIo(
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): CliIo & { out: () => string; err: () => string } {
  let out = "";
  let errText = "";
  const stderr = new PassThrough();
  stderr.on("data", (chunk: Buffer) => {
    errText += chunk.toString();
  });
  return {
    stdout: {
      write: (text: string) => {
        out += text;
        return true;
      },
    },
    stderr,
    cwd,
    env,
    out: () => out,
    err: () => errText,
  };
}
