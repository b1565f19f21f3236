import type { Logger } from "../domain/logger.js";
import type { HostProcess } from "../hosts/host.js";

/** Waits for `p` at most `ms` of real time (process lifecycle, like the host's kill grace, is OS time). */
export function within<T>(p: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

const NOISY = /error|warn|fail|fatal|panic|exception/i;

/** stderr is diagnostics only (logged under `label`): logged and surfaced as `output` events, never parsed as protocol. */
export function watchStderr(
  proc: HostProcess,
  log: Logger,
  emit: (line: string) => void,
  label = "codex stderr",
): void {
  let buffered = "";
  proc.stderr.on("data", (chunk: Buffer) => {
    buffered += chunk.toString("utf8");
    if (buffered.length > 64 * 1024) buffered = buffered.slice(-64 * 1024);
    let nl = buffered.indexOf("\n");
    while (nl !== -1) {
      const line = buffered.slice(0, nl).slice(0, 1_000);
      buffered = buffered.slice(nl + 1);
      if (line.trim() !== "") {
        if (NOISY.test(line)) log.warn(label, { line });
        else log.debug(label, { line });
        emit(line);
      }
      nl = buffered.indexOf("\n");
    }
  });
}
