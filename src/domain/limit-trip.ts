/** Which limit stopped an issue: the data a dashboard, log line and tracker comment render. */
export interface LimitTrip {
  /** `budget` for caps and periodic budgets, `no_progress` for the no-progress detector. */
  readonly reason: "budget" | "no_progress";
  /** The limit's own name, as in WORKFLOW.md. */
  readonly limit: "attempts" | "turns" | "wall_time_ms" | "tokens" | "cost_usd" | "no_progress_attempts";
  /** `issue` for lifetime caps and no-progress, else the budget's period. */
  readonly scope: "issue" | "day" | "month";
  /** The budget's label or state filter, when it has one. */
  readonly label: string | null;
  readonly state: string | null;
  readonly used: number;
  readonly max: number;
  /** The WORKFLOW.md key to raise (or set to `unlimited`) to lift it. */
  readonly key: string;
  /** Epoch ms when a periodic budget starts over; null for lifetime caps. */
  readonly resetsAt: number | null;
}

/** One line naming the limit, what was used and how to lift it. */
export function describeTrip(trip: LimitTrip): string {
  const used = trip.limit === "cost_usd" ? `US$${trip.used.toFixed(2)}` : String(Math.round(trip.used));
  const max = trip.limit === "cost_usd" ? `US$${trip.max.toFixed(2)}` : String(trip.max);
  if (trip.reason === "no_progress") {
    return `no progress: ${used} attempts in a row changed neither the issue nor its workspace (limit ${max}, ${trip.key})`;
  }
  const scope =
    trip.scope === "issue"
      ? "this issue's lifetime"
      : `this UTC ${trip.scope}${trip.label !== null ? ` for label ${trip.label}` : ""}${trip.state !== null ? ` in state ${trip.state}` : ""}`;
  return `${trip.limit} limit reached for ${scope}: used ${used} of ${max} (${trip.key})`;
}
