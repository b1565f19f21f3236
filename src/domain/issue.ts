/** A reference to an issue that blocks another one (best-effort tracker metadata). */
export interface BlockerRef {
  readonly id: string | null;
  readonly identifier: string | null;
  readonly state: string | null;
}

/**
 * The normalised work item every tracker adapter produces (spec 4.1.1).
 * The orchestrator never reads provider payloads: this is all it knows about an issue.
 */
export interface Issue {
  /** Stable dispatch identity within the tracker scope; opaque to the orchestrator. */
  readonly id: string;
  /** Human-readable key (e.g. `ABC-123`); unique in scope; names workspaces and routes. */
  readonly identifier: string;
  readonly title: string;
  readonly description: string | null;
  /** Lower is more urgent; 1..4 sort before everything else. */
  readonly priority: number | null;
  /** Provider-native state name, spelling preserved. */
  readonly state: string;
  readonly branchName: string | null;
  readonly url: string | null;
  readonly assigneeId: string | null;
  /** Trimmed, lower-cased, de-duplicated. */
  readonly labels: readonly string[];
  readonly blockedBy: readonly BlockerRef[];
  /** Adapter-derived eligibility (assignment, blockers, board rules). */
  readonly dispatchable: boolean;
  /** Non-secret provider identifiers for provider-native tools; opaque to the core. */
  readonly nativeRef: Readonly<Record<string, unknown>> | null;
  /** Epoch milliseconds, or null when the tracker gave none or an unusable value. */
  readonly createdAt: number | null;
  readonly updatedAt: number | null;
}

/** Normalises a state name for comparison (trim + lowercase, spec 4.2). */
export function normaliseState(state: string): string {
  return state.trim().toLowerCase();
}

/** Normalises a label list: trimmed, lower-cased, blanks dropped, duplicates removed. */
export function normaliseLabels(labels: readonly string[]): string[] {
  const out = new Set<string>();
  for (const label of labels) {
    const clean = label.trim().toLowerCase();
    if (clean !== "") out.add(clean);
  }
  return [...out];
}

/** One comment on an issue as a tracker reports it (normalised; no provider payload). */
export interface TrackerComment {
  readonly id: string;
  /** Login or display name of whoever wrote it; null when the tracker does not say. */
  readonly author: string | null;
  /** True when the tracker marks the author as a bot or app account. */
  readonly authorIsBot: boolean;
  readonly body: string;
  /** Creation time in epoch milliseconds; null when unknown. */
  readonly createdAt: number | null;
}

/** True for logins GitHub and GitLab give to apps and bots (`name[bot]`, `*-bot`). */
export function looksLikeBot(login: string | null): boolean {
  return login !== null && (/\[bot\]$/i.test(login) || /(^|[-_])bot$/i.test(login));
}
