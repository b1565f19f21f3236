import { readdir, readFile } from "node:fs/promises";

/** Pids (other than this process) whose command line mentions `text`, e.g. a test's temp root. */
export async function processesMentioning(text: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "");
    if (cmdline.includes(text)) pids.push(Number(entry));
  }
  return pids;
}

/** Pids (other than this process) whose environment holds `name=value`: what a run's children inherit. */
export async function processesWithEnv(name: string, value: string): Promise<number[]> {
  const pids: number[] = [];
  const needle = `\0${name}=${value}\0`;
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const environ = await readFile(`/proc/${entry}/environ`, "latin1").catch(() => "");
    if (`\0${environ}\0`.includes(needle)) pids.push(Number(entry));
  }
  return pids;
}
