import type { TrackerConfig } from "../config/types.js";
import { type Issue, normaliseState } from "../domain/issue.js";
import type { SkipReason } from "../domain/snapshot.js";

/** Rank of a priority in the dispatch sort: 1..4 as is, everything else after them. */
function priorityRank(priority: number | null): number {
  return priority !== null && Number.isInteger(priority) && priority >= 1 && priority <= 4 ? priority : 5;
}

/** Dispatch order (spec 8.2): priority 1..4 first, then oldest `createdAt` (null last), then identifier. */
export function compareForDispatch(a: Issue, b: Issue): number {
  const p = priorityRank(a.priority) - priorityRank(b.priority);
  if (p !== 0) return p;
  const ca = a.createdAt ?? Number.POSITIVE_INFINITY;
  const cb = b.createdAt ?? Number.POSITIVE_INFINITY;
  if (ca !== cb) return ca < cb ? -1 : 1;
  return a.identifier < b.identifier ? -1 : a.identifier > b.identifier ? 1 : 0;
}

/** A sorted copy of the candidates. */
export function sortForDispatch(issues: readonly Issue[]): Issue[] {
  return [...issues].sort(compareForDispatch);
}

/** State sets normalised once per tick. */
export interface StateSets {
  readonly active: ReadonlySet<string>;
  readonly terminal: ReadonlySet<string>;
  readonly requiredLabels: readonly string[];
}

/** Normalises the tracker config's state lists for fast lookups. */
export function stateSets(tracker: TrackerConfig): StateSets {
  return {
    active: new Set(tracker.activeStates.map(normaliseState)),
    terminal: new Set(tracker.terminalStates.map(normaliseState)),
    requiredLabels: tracker.requiredLabels,
  };
}

/** True when the state is active and not terminal. */
export function isActive(issue: Pick<Issue, "state">, sets: StateSets): boolean {
  const s = normaliseState(issue.state);
  return sets.active.has(s) && !sets.terminal.has(s);
}

/** True when the state is terminal. */
export function isTerminal(issue: Pick<Issue, "state">, sets: StateSets): boolean {
  return sets.terminal.has(normaliseState(issue.state));
}

/** Required labels the issue lacks (labels are normalised by adapters; a blank requirement never matches). */
export function missingLabels(issue: Pick<Issue, "labels">, sets: StateSets): string[] {
  if (sets.requiredLabels.length === 0) return [];
  const have = new Set(issue.labels);
  return sets.requiredLabels.filter((label) => label === "" || !have.has(label));
}

/** Spec 8.2 `issue_routable`: dispatchable and every required label present. */
export function isRoutable(issue: Issue, sets: StateSets): boolean {
  return issue.dispatchable && missingLabels(issue, sets).length === 0;
}

/**
 * Why an issue cannot be a candidate regardless of claims and slots, or null when it can.
 * Todo-style blockers are reported by name when the adapter marked the issue not dispatchable.
 */
export function candidateRefusal(issue: Issue, sets: StateSets): SkipReason | null {
  if (issue.id === "" || issue.identifier === "" || issue.title === "" || issue.state === "") {
    return { kind: "not_dispatchable" };
  }
  if (!isActive(issue, sets)) return { kind: "state_not_active", state: issue.state };
  if (!issue.dispatchable) {
    const blockers = issue.blockedBy
      .filter((b) => b.state === null || !sets.terminal.has(normaliseState(b.state)))
      .map((b) => b.identifier ?? b.id ?? "unknown");
    return blockers.length > 0 ? { kind: "blocked_by", blockers } : { kind: "not_dispatchable" };
  }
  const missing = missingLabels(issue, sets);
  if (missing.length > 0) return { kind: "missing_labels", labels: missing };
  return null;
}

/** Slot accounting for one dispatch pass (spec 8.3). */
export class SlotCounter {
  readonly #global: number;
  readonly #byState: Readonly<Record<string, number>>;
  #running: number;
  readonly #perState = new Map<string, number>();

  constructor(global: number, byState: Readonly<Record<string, number>>, runningStates: readonly string[]) {
    this.#global = global;
    this.#byState = byState;
    this.#running = runningStates.length;
    for (const s of runningStates) {
      const key = normaliseState(s);
      this.#perState.set(key, (this.#perState.get(key) ?? 0) + 1);
    }
  }

  /** Free global slots. */
  get available(): number {
    return Math.max(this.#global - this.#running, 0);
  }

  /** Why a run in `state` cannot start now, or null when it can. */
  refusal(state: string): SkipReason | null {
    if (this.available <= 0) return { kind: "no_global_slot", limit: this.#global };
    const key = normaliseState(state);
    const limit = this.#byState[key] ?? this.#global;
    if ((this.#perState.get(key) ?? 0) >= limit) return { kind: "state_cap", state, limit };
    return null;
  }

  /** Records a run started in `state`. */
  take(state: string): void {
    const key = normaliseState(state);
    this.#running += 1;
    this.#perState.set(key, (this.#perState.get(key) ?? 0) + 1);
  }
}
