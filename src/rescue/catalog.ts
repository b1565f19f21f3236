import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { messageOf } from "../domain/errors.js";
import { err, ok, type Result } from "../domain/result.js";
import type { RescueRecord } from "./rescue.js";

/** Every rescue record under `dir`, newest first; `issue` keeps one issue's (by identifier). */
export async function listRescues(dir: string, issue?: string): Promise<RescueRecord[]> {
  let folders: string[];
  try {
    folders = await readdir(dir);
  } catch {
    return [];
  }
  const records: RescueRecord[] = [];
  for (const folder of folders) {
    let files: string[];
    try {
      files = await readdir(join(dir, folder));
    } catch {
      continue;
    }
    for (const file of files.filter((f) => f.endsWith(".json"))) {
      try {
        const record = JSON.parse(await readFile(join(dir, folder, file), "utf8")) as RescueRecord;
        if (issue === undefined || record.issueIdentifier === issue) records.push(record);
      } catch {
        // a half-written or foreign file is not a rescue
      }
    }
  }
  return records.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
}

/** The record with this id, or null. */
export async function findRescue(dir: string, id: string): Promise<RescueRecord | null> {
  return (await listRescues(dir)).find((r) => r.id === id) ?? null;
}

function run(command: string, args: readonly string[]): Promise<Result<void, string>> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString("utf8");
    });
    child.once("error", (cause) => resolve(err(messageOf(cause))));
    child.once("close", (code) => resolve(code === 0 ? ok(undefined) : err(stderr.trim() || `exit ${code}`)));
  });
}

/**
 * Restores a rescue into `into` (which must not exist yet): a git rescue becomes a clone checked out
 * on its rescue branch (commit it, or push it, from there); an archive is unpacked.
 */
export async function restoreRescue(record: RescueRecord, into: string): Promise<Result<string, string>> {
  if (existsSync(into)) return err(`${into} already exists; pass --into with a new directory`);
  if (!existsSync(record.file)) return err(`the rescue file ${record.file} is gone`);
  if (record.kind === "git" && record.branch !== null) {
    const cloned = await run("git", ["clone", "--quiet", "--branch", record.branch, record.file, into]);
    return cloned.ok ? ok(into) : err(`git clone failed: ${cloned.error}`);
  }
  await mkdir(into, { recursive: true });
  const unpacked = await run("tar", ["-xzf", record.file, "-C", into]);
  return unpacked.ok ? ok(into) : err(`tar failed: ${unpacked.error}`);
}

/** Deletes rescues older than `retentionDays`; returns how many went. */
export async function pruneRescues(dir: string, retentionDays: number, now: number): Promise<number> {
  const cutoff = now - retentionDays * 86_400_000;
  let pruned = 0;
  for (const record of await listRescues(dir)) {
    if (Date.parse(record.createdAt) >= cutoff) continue;
    const recordFile = join(dir, record.file.split("/").at(-2) ?? "", `${record.id}.json`);
    await rm(record.file, { force: true });
    await rm(recordFile, { force: true });
    pruned += 1;
  }
  return pruned;
}
