import { oneLine } from "../observability/format.js";
import { LocalIssueStore } from "../tracker/local/store.js";
import { loadWorkflow } from "../workflow/loader.js";
import { formatWorkflowError, summariseErrors } from "../workflow/workflow-errors.js";
import { resolveWorkflowPath } from "../workflow/workflow-path.js";
import type { CliIo } from "./io.js";

/** The local tracker folder of a workflow, with the states that workflow schedules on. */
interface OpenedStore {
  readonly store: LocalIssueStore;
  readonly activeStates: readonly string[];
  readonly terminalStates: readonly string[];
}

/** Opens the local tracker folder named by a workflow; prints why not and returns null on failure. */
function openStore(workflow: string | undefined, io: CliIo): OpenedStore | null {
  const path = resolveWorkflowPath(workflow, io.cwd);
  const loaded = loadWorkflow(path, { env: io.env });
  if (!loaded.ok) {
    io.stderr.write(`symphony issue: ${formatWorkflowError(summariseErrors(loaded.error))}\n`);
    return null;
  }
  const { tracker } = loaded.value.config;
  if (tracker.kind !== "local") {
    io.stderr.write(
      `symphony issue: ${path} uses tracker.kind ${tracker.kind}; these commands need kind local\n`,
    );
    return null;
  }
  return {
    store: new LocalIssueStore(tracker.provider.path),
    activeStates: tracker.activeStates,
    terminalStates: tracker.terminalStates,
  };
}

/**
 * Refuses a state the workflow neither works on nor ends at (the issue would silently never be picked
 * up), unless `force`; the message lists the valid states. Returns the refusal text, or null.
 */
function stateRefusal(opened: OpenedStore, state: string, force: boolean): string | null {
  const known = [...opened.activeStates, ...opened.terminalStates];
  const wanted = state.trim().toLowerCase();
  if (force || known.some((s) => s.trim().toLowerCase() === wanted)) return null;
  return (
    `state ${JSON.stringify(state)} is neither active nor terminal in this workflow, so the issue would never ` +
    `be picked up; active: ${opened.activeStates.join(", ")}; terminal: ${opened.terminalStates.join(", ")} ` +
    "(--force to use it anyway)"
  );
}

/** Blockers that name no issue in the folder (a typo would block nothing). */
async function unknownBlockers(store: LocalIssueStore, blockers: readonly string[]): Promise<string[]> {
  if (blockers.length === 0) return [];
  const all = await store.readAll();
  const known = new Set((all.ok ? all.value.records : []).map((r) => r.identifier.toLowerCase()));
  return blockers.filter((b) => !known.has(b.trim().toLowerCase()));
}

function pad(text: string, width: number): string {
  return text.length >= width ? `${text} ` : text.padEnd(width);
}

/** `issue list`: one line per issue (identifier, state, priority, title); malformed files to stderr. */
export async function issueList(
  store: LocalIssueStore,
  io: CliIo,
  state: string | undefined,
): Promise<number> {
  const all = await store.readAll();
  if (!all.ok) {
    io.stderr.write(`symphony issue: ${all.error.message}\n`);
    return 1;
  }
  const wanted = state?.trim().toLowerCase();
  const rows = all.value.records
    .filter((r) => wanted === undefined || r.state.trim().toLowerCase() === wanted)
    .sort((a, b) => a.identifier.localeCompare(b.identifier, "en", { numeric: true }));
  io.stdout.write(`${pad("ID", 14)}${pad("STATE", 16)}${pad("PRI", 5)}TITLE\n`);
  // titles and states are written by anyone who can edit the folder: no escape sequence reaches the terminal
  for (const r of rows) {
    io.stdout.write(
      `${pad(oneLine(r.identifier), 14)}${pad(oneLine(r.state), 16)}${pad(String(r.priority ?? "-"), 5)}${oneLine(r.title)}\n`,
    );
  }
  for (const bad of all.value.malformed) {
    io.stderr.write(`skipped ${JSON.stringify(bad.file)}: ${oneLine(bad.reason)}\n`);
  }
  return 0;
}

/** The next free `<PREFIX>-<n>` identifier, following the most common existing prefix. */
async function nextIdentifier(store: LocalIssueStore, prefix: string | undefined): Promise<string> {
  const all = await store.readAll();
  const records = all.ok ? all.value.records : [];
  const counts = new Map<string, number>();
  let max = 0;
  for (const r of records) {
    const m = /^(.+)-(\d+)$/.exec(r.identifier);
    if (m === null) continue;
    counts.set(m[1] as string, (counts.get(m[1] as string) ?? 0) + 1);
  }
  const chosen = prefix ?? [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? "ISSUE";
  for (const r of records) {
    const m = /^(.+)-(\d+)$/.exec(r.identifier);
    if (m !== null && m[1] === chosen) max = Math.max(max, Number(m[2]));
  }
  return `${chosen}-${max + 1}`;
}

/** Flags of `symphony issue add`. */
export interface AddFlags {
  workflow?: string;
  id?: string;
  prefix?: string;
  state: string;
  priority?: number;
  label: string[];
  blockedBy: string[];
  description?: string;
  force?: boolean;
}

function refuse(io: CliIo, text: string): number {
  io.stderr.write(`symphony issue: ${text}\n`);
  return 1;
}

/** Opens the workflow's folder and runs `fn` on it; 1 when the folder cannot be opened. */
async function withStore(
  workflow: string | undefined,
  io: CliIo,
  fn: (opened: OpenedStore) => Promise<number>,
): Promise<number> {
  const opened = openStore(workflow, io);
  return opened === null ? 1 : fn(opened);
}

/** `symphony issue list [--state S]`. */
export function issueListCommand(flags: { workflow?: string; state?: string }, io: CliIo): Promise<number> {
  return withStore(flags.workflow, io, ({ store }) => issueList(store, io, flags.state));
}

/** `symphony issue add <title>`: prints the new identifier. */
export function issueAddCommand(title: string, flags: AddFlags, io: CliIo): Promise<number> {
  return withStore(flags.workflow, io, async (opened) => {
    const { store } = opened;
    const refused = stateRefusal(opened, flags.state, flags.force === true);
    if (refused !== null) return refuse(io, refused);
    const missing = flags.force === true ? [] : await unknownBlockers(store, flags.blockedBy);
    if (missing.length > 0) {
      return refuse(
        io,
        `--blocked-by ${missing.join(", ")}: no such issue in ${store.folder} (--force to use it anyway)`,
      );
    }
    const identifier = flags.id ?? (await nextIdentifier(store, flags.prefix));
    const created = await store.create(identifier, {
      title,
      state: flags.state,
      priority: flags.priority ?? null,
      labels: flags.label,
      blockedBy: flags.blockedBy,
      createdAt: new Date(),
      description: flags.description ?? null,
    });
    if (!created.ok) {
      io.stderr.write(`symphony issue: ${created.error}\n`);
      return 1;
    }
    io.stdout.write(`${identifier}\n`);
    return 0;
  });
}

/** `symphony issue move <identifier> <state>`. */
export function issueMoveCommand(
  identifier: string,
  state: string,
  flags: { workflow?: string; force?: boolean },
  io: CliIo,
): Promise<number> {
  return withStore(flags.workflow, io, async (opened) => {
    const refused = stateRefusal(opened, state, flags.force === true);
    if (refused !== null) return refuse(io, refused);
    const moved = await opened.store.update(identifier, { state });
    if (!moved.ok) io.stderr.write(`symphony issue: ${moved.error}\n`);
    else io.stdout.write(`${identifier} → ${state}\n`);
    return moved.ok ? 0 : 1;
  });
}

/** `symphony issue comment <identifier> <text>`. */
export function issueCommentCommand(
  identifier: string,
  text: string,
  flags: { workflow?: string },
  io: CliIo,
): Promise<number> {
  return withStore(flags.workflow, io, async ({ store }) => {
    const done = await store.update(identifier, { comment: text });
    if (!done.ok) io.stderr.write(`symphony issue: ${done.error}\n`);
    return done.ok ? 0 : 1;
  });
}
