import { maskUrlCredentials } from "../../util/url-credentials.js";
import type { CliIo } from "../io.js";
import { exitCodeOf, formatResults, runDoctor } from "./doctor.js";

/** Parsed `symphony doctor` flags. */
export interface DoctorFlags {
  readonly json: boolean;
  readonly deep: boolean;
  readonly logsRoot?: string;
  readonly port?: number;
  readonly timeoutMs?: number;
}

/** `symphony doctor [path]`: prints one line per check (or JSON); exit 1 on any fail. */
export async function doctorCommand(workflowPath: string, flags: DoctorFlags, io: CliIo): Promise<number> {
  const results = await runDoctor({
    workflowPath,
    env: io.env,
    deep: flags.deep,
    ...(flags.logsRoot === undefined ? {} : { logsRoot: flags.logsRoot }),
    ...(flags.port === undefined ? {} : { port: flags.port }),
    ...(flags.timeoutMs === undefined ? {} : { timeoutMs: flags.timeoutMs }),
  });
  const code = exitCodeOf(results);
  if (flags.json) {
    io.stdout.write(`${maskUrlCredentials(JSON.stringify({ ok: code === 0, checks: results }, null, 2))}\n`);
  } else {
    // a tracker or agent error may quote an endpoint with credentials in it
    io.stdout.write(maskUrlCredentials(formatResults(results)));
    const fails = results.filter((r) => r.status === "fail").length;
    const warns = results.filter((r) => r.status === "warn").length;
    io.stdout.write(`${fails} failed, ${warns} warning${warns === 1 ? "" : "s"}, ${results.length} checks\n`);
  }
  return code;
}
