import type { AgentConfig, WorkerConfig } from "../config/types.js";
import type { Issue } from "../domain/issue.js";
import type { SkipReason, SkipRow } from "../domain/snapshot.js";
import { candidateRefusal, SlotCounter, type StateSets, sortForDispatch } from "./eligibility.js";
import { HostSlots } from "./host-slots.js";
import type { OrchestratorState } from "./state.js";

/** The outcome of planning one dispatch pass. */
export interface DispatchPlan {
  /** Issues to dispatch now, in order. */
  readonly picks: readonly Issue[];
  /** Every other candidate, with the reason it waits. */
  readonly skipped: readonly SkipRow[];
}

/** Why a claimed issue is not dispatched this tick, or null when it is unclaimed. */
export function claimRefusal(issueId: string, state: OrchestratorState): SkipReason | null {
  if (state.running.has(issueId)) return { kind: "running" };
  if (state.blocked.has(issueId)) return { kind: "blocked_on_input" };
  const retry = state.retries.get(issueId);
  if (retry !== undefined) return { kind: "in_backoff", dueAt: retry.dueAt };
  if (state.claimed.has(issueId)) return { kind: "claimed" };
  const elsewhere = state.leasedElsewhere.get(issueId);
  if (elsewhere !== undefined) {
    return { kind: "leased_elsewhere", holder: elsewhere.holder, expiresAt: elsewhere.expiresAt };
  }
  return null;
}

/** Builds a slot counter from the live running entries. */
export function slotsFor(state: OrchestratorState, agent: AgentConfig): SlotCounter {
  const states = [...state.running.values()].map((e) => e.issue.state);
  return new SlotCounter(agent.maxConcurrentAgents, agent.maxConcurrentAgentsByState, states);
}

/** Builds the per-host capacity view from the live running entries. */
export function hostSlotsFor(state: OrchestratorState, worker: WorkerConfig): HostSlots {
  return new HostSlots(
    worker,
    [...state.running.values()].map((e) => e.host),
  );
}

/**
 * Sorts the candidates and decides, without side effects, which to dispatch (spec 16.2) and why
 * each of the others is not dispatched. Every candidate lands in exactly one of the two lists.
 */
export function planDispatch(
  candidates: readonly Issue[],
  state: OrchestratorState,
  agent: AgentConfig,
  sets: StateSets,
  worker: WorkerConfig,
): DispatchPlan {
  const slots = slotsFor(state, agent);
  const hosts = hostSlotsFor(state, worker);
  const picks: Issue[] = [];
  const skipped: SkipRow[] = [];
  const seen = new Set<string>();
  for (const issue of sortForDispatch(candidates)) {
    if (seen.has(issue.id)) continue;
    seen.add(issue.id);
    const reason =
      claimRefusal(issue.id, state) ?? candidateRefusal(issue, sets) ?? slots.refusal(issue.state);
    if (reason !== null) {
      skipped.push({ issueId: issue.id, identifier: issue.identifier, state: issue.state, reason });
      continue;
    }
    const host = hosts.choose();
    if (!host.ok) {
      const reason = { kind: "no_host_capacity" } as const;
      skipped.push({ issueId: issue.id, identifier: issue.identifier, state: issue.state, reason });
      continue;
    }
    hosts.take(host.value);
    slots.take(issue.state);
    picks.push(issue);
  }
  return { picks, skipped };
}
