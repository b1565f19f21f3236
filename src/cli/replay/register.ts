import { resolve } from "node:path";
import type { Command } from "commander";
import type { CliIo } from "../io.js";

/** Registers `symphony replay <path>`; `--follow` ends on SIGINT/SIGTERM or when the run ends. */
export function registerReplayCommand(
  program: Command,
  io: CliIo,
  setCode: (code: Promise<number> | number) => void,
): void {
  program
    .command("replay")
    .description(
      "print the timeline of a recorded run (<run>.events.jsonl), or list the runs of <logs-root>/<ID>",
    )
    .argument("<path>", "a <run>.events.jsonl file, or an issue's directory under the logs root")
    .option("-f, --follow", "keep printing as a live run's file grows")
    .option("--latest", "given a directory, replay its newest run")
    .action((path: string, flags: { follow?: boolean; latest?: boolean }) => {
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      if (flags.follow === true)
        for (const name of ["SIGINT", "SIGTERM"] as const) process.once(name, onSignal);
      setCode(
        import("./command.js")
          .then(({ replayCommand }) =>
            replayCommand(
              resolve(io.cwd, path),
              { follow: flags.follow === true, latest: flags.latest === true, signal: stop.signal },
              io,
            ),
          )
          .finally(() => {
            for (const name of ["SIGINT", "SIGTERM"] as const) process.off(name, onSignal);
          }),
      );
    });
}
