import { err, ok, type Result } from "../domain/result.js";
import type { WorkflowError } from "../domain/workflow-error.js";
import { parseAsanaProvider } from "../tracker/asana/config.js";
import type { GithubTrackerSettings } from "../tracker/github/config.js";
import { parseGithubProvider, validateGithubStates } from "../tracker/github/config.js";
import { parseGitlabProvider, validateGitlabStates } from "../tracker/gitlab/config.js";
import { parseJiraProvider } from "../tracker/jira/config.js";
import { parseLinearProvider } from "../tracker/linear/config.js";
import { parseLocalProvider } from "../tracker/local/config.js";
import { parseMemoryProvider } from "../tracker/memory/config.js";
import { configError, type ProviderParser, showValue } from "./provider.js";

/** What config loading needs to know about one tracker kind. */
export interface TrackerKindDefinition {
  readonly defaultActiveStates: readonly string[];
  readonly defaultTerminalStates: readonly string[];
  /** Parses and validates `tracker.provider` into the kind's typed settings. */
  readonly parseProvider: ProviderParser<object>;
  /** Secret values inside the parsed settings, for log redaction. */
  readonly secretValues: (settings: object) => readonly string[];
  /** Errors for state names the kind can never report (e.g. `Todo` on GitHub); absent = any name. */
  readonly validateStates?: (
    settings: object,
    active: readonly string[],
    terminal: readonly string[],
  ) => WorkflowError[];
}

const ACTIVE = ["Todo", "In Progress"] as const;
const TERMINAL = ["Closed", "Cancelled", "Canceled", "Duplicate", "Done"] as const;

/** Every supported `tracker.kind`; a new tracker adds one entry here. */
export const TRACKER_KINDS: ReadonlyMap<string, TrackerKindDefinition> = new Map<
  string,
  TrackerKindDefinition
>([
  [
    "memory",
    {
      defaultActiveStates: ACTIVE,
      defaultTerminalStates: TERMINAL,
      parseProvider: parseMemoryProvider,
      secretValues: () => [],
    },
  ],
  [
    "local",
    {
      defaultActiveStates: ACTIVE,
      defaultTerminalStates: TERMINAL,
      parseProvider: parseLocalProvider,
      secretValues: () => [],
    },
  ],
  [
    "linear",
    {
      defaultActiveStates: ACTIVE,
      defaultTerminalStates: TERMINAL,
      parseProvider: parseLinearProvider,
      secretValues: (settings) => [(settings as { apiKey: string }).apiKey],
    },
  ],
  [
    "jira",
    {
      // the statuses of Jira's default workflow; real projects set their own
      defaultActiveStates: ["To Do", "In Progress"],
      defaultTerminalStates: ["Done"],
      parseProvider: parseJiraProvider,
      secretValues: (settings) => [(settings as { apiToken: string }).apiToken],
    },
  ],
  [
    "asana",
    {
      // the sections of Asana's board template; real projects set their own
      defaultActiveStates: ["To do", "Doing"],
      defaultTerminalStates: ["Done"],
      parseProvider: parseAsanaProvider,
      secretValues: (settings) => [(settings as { apiKey: string }).apiKey],
    },
  ],
  [
    "github",
    {
      defaultActiveStates: ["open"],
      defaultTerminalStates: ["closed"],
      parseProvider: parseGithubProvider,
      secretValues: (settings) => [(settings as { token: string }).token],
      validateStates: (settings, active, terminal) =>
        validateGithubStates(settings as GithubTrackerSettings, active, terminal),
    },
  ],
  [
    "gitlab",
    {
      defaultActiveStates: ["opened"],
      defaultTerminalStates: ["closed"],
      parseProvider: parseGitlabProvider,
      secretValues: (settings) => [(settings as { apiKey: string }).apiKey],
      validateStates: (_settings, active, terminal) => validateGitlabStates(active, terminal),
    },
  ],
]);

/** Looks up a tracker kind; unknown or missing → `unsupported_tracker_kind`. */
export function trackerKind(kind: string | undefined): Result<TrackerKindDefinition, WorkflowError> {
  if (kind === undefined || kind.trim() === "") {
    return err(
      configError(
        "tracker.kind",
        `is required; supported kinds: ${[...TRACKER_KINDS.keys()].join(", ")}`,
        "unsupported_tracker_kind",
      ),
    );
  }
  const found = TRACKER_KINDS.get(kind.trim().toLowerCase());
  if (found === undefined) {
    return err(
      configError(
        "tracker.kind",
        `unsupported tracker kind ${showValue(kind)}; supported kinds: ${[...TRACKER_KINDS.keys()].join(", ")}`,
        "unsupported_tracker_kind",
      ),
    );
  }
  return ok(found);
}
