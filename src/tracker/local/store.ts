import { randomBytes } from "node:crypto";
import { open, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { messageOf } from "../../domain/errors.js";
import { err, ok, type Result } from "../../domain/result.js";
import { type FileLockOptions, withFileLock } from "./file-lock.js";
import { type IssueRecord, parseIssueFile, renderIssueFile, withComment, withState } from "./issue-file.js";

/** A file that could not be read as an issue. */
export interface MalformedFile {
  readonly file: string;
  readonly reason: string;
}

/** Why the issue folder could not be listed. */
export interface FolderError {
  readonly kind: "missing_folder" | "unreadable";
  readonly message: string;
}

/** Files read concurrently at most. */
const READ_CONCURRENCY = 64;

/** Longest identifier accepted (bytes = characters, since only ASCII is allowed). */
export const MAX_IDENTIFIER_LENGTH = 200;

const INVALID_NAME_REASON = `file name is not a valid identifier (ASCII letters, digits, ".", "_", "-"; at most ${MAX_IDENTIFIER_LENGTH} characters)`;

/**
 * True for identifiers usable as `<IDENTIFIER>.md` file names and as workspace keys: ASCII letters and
 * digits, then also `.`, `_`, `-`; at most 200 characters. No separators, backslashes, spaces, control
 * characters (a newline would forge log lines) or non-ASCII lookalikes (`DEMO‐1` with a Unicode hyphen).
 */
export function isValidIdentifier(identifier: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(identifier) && identifier.length <= MAX_IDENTIFIER_LENGTH;
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** The folder of `<IDENTIFIER>.md` files behind the local tracker; every write is write-temp + rename. */
export class LocalIssueStore {
  readonly folder: string;
  /** Last parse of each file, keyed by name, valid while its stat fingerprint is unchanged. */
  readonly #cache = new Map<
    string,
    { readonly fingerprint: string; readonly result: Result<IssueRecord, string> }
  >();

  readonly #lock: FileLockOptions;

  constructor(folder: string, lock: FileLockOptions = {}) {
    this.folder = folder;
    this.#lock = lock;
  }

  // Every read-modify-write of one file holds `.<ID>.md.lock`, so writers in other processes (the
  // CLI while the service runs, a second service) cannot lose each other's updates.
  async #locked(identifier: string, fn: () => Promise<Result<void, string>>): Promise<Result<void, string>> {
    const held = await withFileLock(join(this.folder, `.${identifier}.md.lock`), fn, this.#lock);
    return held.ok ? held.value : err(`cannot lock ${identifier}.md: ${held.error.message}`);
  }

  /**
   * Reads and parses one file, reusing the last parse while the file's stat fingerprint is unchanged.
   * Writes here are temp + rename (a new inode), and editors change mtime/size, so a stat is enough to
   * notice every edit; it costs far less than reading and YAML-parsing 10,000 files every tick.
   */
  async #readCached(name: string): Promise<Result<IssueRecord, string>> {
    const path = join(this.folder, name);
    try {
      const info = await stat(path, { bigint: true });
      const fingerprint = `${info.ino}:${info.size}:${info.mtimeNs}:${info.ctimeNs}`;
      const hit = this.#cache.get(name);
      if (hit !== undefined && hit.fingerprint === fingerprint) return hit.result;
      const result = parseIssueFile(name.slice(0, -3), await readFile(path, "utf8"));
      this.#cache.set(name, { fingerprint, result });
      return result;
    } catch (cause) {
      this.#cache.delete(name);
      return err(messageOf(cause));
    }
  }

  /** Path of an identifier's file. */
  fileFor(identifier: string): string {
    return join(this.folder, `${identifier}.md`);
  }

  /** Every issue file in the folder; malformed ones are reported by name, never fatal. */
  async readAll(): Promise<Result<{ records: IssueRecord[]; malformed: MalformedFile[] }, FolderError>> {
    let names: string[];
    try {
      names = (await readdir(this.folder)).filter((n) => n.endsWith(".md") && !n.startsWith("."));
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === "ENOENT") {
        return err({
          kind: "missing_folder",
          message: `issue folder ${this.folder} does not exist: create it (mkdir -p), fix tracker.provider.path, or run \`symphony init\``,
        });
      }
      return err({
        kind: "unreadable",
        message: `cannot read issue folder ${this.folder}: ${messageOf(cause)}`,
      });
    }
    // a name that is no valid identifier could never be dispatched (nor looked up by id): say so once,
    // instead of listing it and then losing it every poll
    const invalid = names.filter((n) => !isValidIdentifier(n.slice(0, -3)));
    const valid = names.filter((n) => isValidIdentifier(n.slice(0, -3)));
    const records: IssueRecord[] = [];
    const malformed: MalformedFile[] = [];
    const parsed = await mapLimit(valid, READ_CONCURRENCY, async (name) => ({
      name,
      result: await this.#readCached(name),
    }));
    // forget files that are gone, so the cache never outgrows the folder
    const present = new Set(names);
    for (const name of this.#cache.keys()) if (!present.has(name)) this.#cache.delete(name);
    for (const { name, result } of parsed) {
      if (result.ok) records.push(result.value);
      else malformed.push({ file: name, reason: result.error });
    }
    for (const name of invalid) malformed.push({ file: name, reason: INVALID_NAME_REASON });
    return ok({ records, malformed });
  }

  /** One issue; `null` when there is no such file; an error when it exists but is malformed. */
  async read(identifier: string): Promise<Result<IssueRecord | null, string>> {
    if (!isValidIdentifier(identifier)) return ok(null);
    let text: string;
    try {
      text = await readFile(this.fileFor(identifier), "utf8");
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === "ENOENT") return ok(null);
      return err(messageOf(cause));
    }
    const parsed = parseIssueFile(identifier, text);
    return parsed.ok ? parsed : err(`${identifier}.md: ${parsed.error}`);
  }

  /** Changes the state and/or appends a comment, atomically. */
  async update(
    identifier: string,
    change: { readonly state?: string; readonly comment?: string },
  ): Promise<Result<void, string>> {
    if (!isValidIdentifier(identifier)) return err(`invalid identifier ${JSON.stringify(identifier)}`);
    return this.#locked(identifier, async () => {
      let text: string;
      try {
        text = await readFile(this.fileFor(identifier), "utf8");
      } catch (cause) {
        return err(`cannot read ${identifier}.md: ${messageOf(cause)}`);
      }
      if (change.state !== undefined) {
        const next = withState(text, change.state);
        if (!next.ok) return err(`${identifier}.md: ${next.error}`);
        text = next.value;
      }
      if (change.comment !== undefined && change.comment.trim() !== "")
        text = withComment(text, change.comment, new Date());
      return this.#write(identifier, text);
    });
  }

  /** Creates a new issue file; refuses to overwrite. */
  async create(
    identifier: string,
    fields: Parameters<typeof renderIssueFile>[0],
  ): Promise<Result<void, string>> {
    if (!isValidIdentifier(identifier)) return err(`invalid identifier ${JSON.stringify(identifier)}`);
    return this.#locked(identifier, async () => {
      const existing = await this.read(identifier);
      // only an existing file is "already exists"; any other failure (ENAMETOOLONG, EACCES…) is itself
      if (!existing.ok) return err(`cannot create ${identifier}.md: ${existing.error}`);
      if (existing.value !== null) return err(`${identifier}.md already exists`);
      return this.#write(identifier, renderIssueFile(fields));
    });
  }

  async #write(identifier: string, text: string): Promise<Result<void, string>> {
    const tmp = join(this.folder, `.${identifier}.${randomBytes(6).toString("hex")}.tmp`);
    try {
      const handle = await open(tmp, "wx", 0o644);
      try {
        await handle.writeFile(text, "utf8");
        // the data is on disk before the rename makes it the issue: a crash leaves old or new, never empty
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tmp, this.fileFor(identifier));
      return ok(undefined);
    } catch (cause) {
      await rm(tmp, { force: true }).catch(() => {});
      if ((cause as NodeJS.ErrnoException).code === "ENOENT") {
        return err(
          `cannot write ${identifier}.md: issue folder ${this.folder} does not exist (create it, or run \`symphony init\`)`,
        );
      }
      return err(`cannot write ${identifier}.md: ${messageOf(cause)}`);
    }
  }
}
