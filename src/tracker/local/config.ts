/** Settings of the local Markdown-folder tracker (`tracker.kind: local`). */
export interface LocalTrackerSettings {
  /** Absolute folder holding one Markdown file per issue. */
  readonly path: string;
}
