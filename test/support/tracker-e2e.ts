import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * Writes a tiny agent script: it records `<identifier> <pid>` lines and its environment, prints one
 * tracker tool call (`toolLine`, a printf format with one `%s` filled from the variable `toolArg`),
 * then sleeps in a child until stopped.
 */
export async function writeAgent(
  dir: string,
  toolLine: string,
  toolArg: "SYMPHONY_ISSUE_IDENTIFIER" | "SYMPHONY_ISSUE_ID",
): Promise<{ script: string; pidFile: string; envDir: string }> {
  const pidFile = join(dir, "agent-pids");
  const envDir = join(dir, "agent-env");
  const script = join(dir, "agent.sh");
  await mkdir(envDir, { recursive: true });
  await writeFile(
    script,
    [
      "#!/usr/bin/env bash",
      `echo "$SYMPHONY_ISSUE_IDENTIFIER $$" >> ${pidFile}`,
      `env > ${envDir}/"$SYMPHONY_ISSUE_IDENTIFIER".env`,
      `printf '${toolLine}\\n' "$${toolArg}"`,
      `sleep 300 & echo "$SYMPHONY_ISSUE_IDENTIFIER $!" >> ${pidFile}`,
      "wait",
      "",
    ].join("\n"),
  );
  return { script, pidFile, envDir };
}

/** `<identifier> <pid>` lines the agent script appended, grouped by identifier. */
export async function agentPids(file: string): Promise<Map<string, number[]>> {
  const text = await readFile(file, "utf8").catch(() => "");
  const pids = new Map<string, number[]>();
  for (const line of text.split("\n")) {
    const [identifier, pid] = line.trim().split(" ");
    if (identifier === undefined || pid === undefined) continue;
    pids.set(identifier, [...(pids.get(identifier) ?? []), Number(pid)]);
  }
  return pids;
}

/** SIGKILLs a pid if it still exists (cleanup after a failed test). */
export function killQuietly(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // already gone
  }
}

/** SIGKILLs every pid the agent script recorded in `pidFile`, if any (cleanup after a failed test). */
export async function killRecordedAgents(pidFile: string | null): Promise<void> {
  if (pidFile === null) return;
  for (const pid of [...(await agentPids(pidFile)).values()].flat()) killQuietly(pid);
}
