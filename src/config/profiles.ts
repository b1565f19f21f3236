import { z } from "zod";
import type { Issue } from "../domain/issue.js";
import { textList } from "./schema-parts.js";
import type { ServiceConfig } from "./types.js";

/** One entry of `profiles:` — another backend (and settings for it) that some issues run on. */
export interface AgentProfile {
  readonly name: string;
  /** The `agent.backend` this profile runs. */
  readonly backend: string;
  /** Labels (trimmed, lower-cased) that select it; `agent:<name>` by default. */
  readonly labels: readonly string[];
  /** Issue states (trimmed, lower-cased) that select it when no label does. */
  readonly states: readonly string[];
  /** The backend's section name (`claude`, `acp`, …) and its settings: the top-level section with this
   * profile's keys laid over it. */
  readonly section: string;
  readonly settings: unknown;
}

/** The profile names a WORKFLOW.md may use (they appear in labels and logs). */
export const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * The `profiles:` section: name → `{backend, labels, states, <backend section>: {...}}`. The backend's own
 * section (e.g. `claude:`) inside a profile is checked later with that kind's schema.
 */
export function profilesSchema(backends: readonly string[]) {
  const names = backends as [string, ...string[]];
  return z
    .record(
      z.string().regex(PROFILE_NAME, { error: "profile names are letters, digits, `_`, `.` and `-`" }),
      z.looseObject({
        backend: z.enum(names, { error: `must be one of ${backends.join(", ")}` }),
        labels: textList.optional().describe("Labels that select this profile; default `agent:<name>`"),
        states: textList.default([]).describe("Issue states that select this profile when no label does"),
      }),
      {
        error:
          "must be a map of profile name (letters, digits, `_`, `.`, `-`) → {backend, labels, states, …}",
      },
    )
    .default({})
    .describe("Named agent backends selected per issue by a label (agent:<name>) or a state");
}

/** What runs an issue: the profile that matched (null = the top-level `agent.backend`) and its backend. */
export interface ProfileChoice {
  readonly profile: string | null;
  readonly backend: string;
}

const norm = (s: string): string => s.trim().toLowerCase();

/**
 * Picks the profile for an issue: the first profile one of whose labels the issue carries, else the first
 * whose states include the issue's state, else none (the top-level `agent.backend` and sections).
 */
export function chooseProfile(
  config: Pick<ServiceConfig, "agent" | "profiles">,
  issue: Issue,
): ProfileChoice {
  const labels = new Set(issue.labels.map(norm));
  const state = norm(issue.state);
  const chosen =
    config.profiles.find((p) => p.labels.some((l) => labels.has(l))) ??
    config.profiles.find((p) => p.states.includes(state));
  return chosen === undefined
    ? { profile: null, backend: config.agent.backend }
    : { profile: chosen.name, backend: chosen.backend };
}

/**
 * The config an issue's run uses: with a profile, `agent.backend` is the profile's and the backend's
 * section is the profile's settings; everything else is shared.
 */
export function configForIssue(
  config: ServiceConfig,
  issue: Issue,
): { readonly config: ServiceConfig; readonly choice: ProfileChoice } {
  const choice = chooseProfile(config, issue);
  const profile = config.profiles.find((p) => p.name === choice.profile);
  return { config: profile === undefined ? config : configForProfile(config, profile), choice };
}

/** The config of a profile's runs: its backend as `agent.backend`, its settings as that backend's section. */
export function configForProfile(config: ServiceConfig, profile: AgentProfile): ServiceConfig {
  return {
    ...config,
    agent: { ...config.agent, backend: profile.backend },
    [profile.section]: profile.settings,
  } as ServiceConfig;
}

/** Normalises a profile's selectors: lower-cased labels (default `agent:<name>`) and states. */
export function profileSelectors(
  name: string,
  labels: readonly string[] | undefined,
  states: readonly string[],
): Pick<AgentProfile, "labels" | "states"> {
  return {
    labels: (labels ?? [`agent:${name}`]).map(norm).filter((l) => l !== ""),
    states: states.map(norm).filter((s) => s !== ""),
  };
}
