/** Settings of the Linear tracker (`tracker.kind: linear`), secrets resolved. */
export interface LinearTrackerSettings {
  readonly endpoint: string;
  readonly apiKey: string;
  readonly secretEnvNames: readonly string[];
  readonly projectSlug: string;
  readonly assignee: string | null;
  readonly timeoutMs: number;
  readonly pageSize: number;
}
