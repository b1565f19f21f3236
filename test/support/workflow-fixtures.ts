import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { buildServiceConfig } from "../../src/config/build-config.js";
import type { ServiceConfig } from "../../src/config/types.js";
import { err, ok, type Result } from "../../src/domain/result.js";
import type { WorkflowError } from "../../src/domain/workflow-error.js";
import { CONFIG_KINDS } from "../../src/kinds.js";
import { contentHash, createLoadedWorkflow } from "../../src/workflow/loader.js";
import type { LoadedWorkflow, WorkflowSource } from "../../src/workflow/types.js";

/**
 * Writes `<dir>/WORKFLOW.md` with the given front matter (YAML text, or an object serialised to YAML)
 * and prompt body; returns the file path.
 */
export function writeWorkflow(dir: string, frontMatterYaml: string | object, body = ""): string {
  const yamlText = typeof frontMatterYaml === "string" ? frontMatterYaml : stringify(frontMatterYaml);
  const path = join(dir, "WORKFLOW.md");
  writeFileSync(path, `---\n${yamlText.replace(/\n?$/, "\n")}---\n${body}\n`);
  return path;
}

/**
 * Builds a validated, frozen {@link ServiceConfig} from a snake_case front-matter object as if it were
 * `<workflowDir>/WORKFLOW.md`. `tracker.kind` defaults to `memory`. Throws on invalid input (test helper).
 */
export function buildConfig(
  partialYamlObject: Record<string, unknown>,
  workflowDir: string,
  env: NodeJS.ProcessEnv = {},
): ServiceConfig {
  const tracker = (partialYamlObject.tracker ?? {}) as Record<string, unknown>;
  const raw = { ...partialYamlObject, tracker: { kind: "memory", ...tracker } };
  const built = buildServiceConfig(raw, {
    workflowPath: join(workflowDir, "WORKFLOW.md"),
    env,
    kinds: CONFIG_KINDS,
  });
  if (!built.ok) {
    throw new Error(
      `buildConfig: invalid config: ${built.error.map((e) => `${e.key}: ${e.message}`).join("; ")}`,
    );
  }
  return built.value;
}

/** An in-memory {@link WorkflowSource} tests drive: `update` simulates a good reload, `fail` a bad one. */
export interface StaticWorkflowSource extends WorkflowSource {
  /** Replaces the current workflow (a good reload); notifies subscribers. Throws on a bad template. */
  update(config: ServiceConfig, template?: string): LoadedWorkflow;
  /** Simulates a bad reload: `revalidate()` returns this error until the next `update`. */
  fail(error: WorkflowError): void;
  /** How many times `revalidate()` was called. */
  readonly revalidations: number;
  readonly closed: boolean;
}

function loaded(config: ServiceConfig, template: string): LoadedWorkflow {
  const result = createLoadedWorkflow(
    config,
    template,
    contentHash(`${JSON.stringify(config)}\n${template}`),
  );
  if (!result.ok) throw new Error(`staticWorkflowSource: ${result.error.code}: ${result.error.message}`);
  return result.value;
}

/** Builds a {@link StaticWorkflowSource} around a config and prompt template (default: the spec prompt). */
export function staticWorkflowSource(config: ServiceConfig, template = ""): StaticWorkflowSource {
  let current = loaded(config, template);
  let failure: WorkflowError | null = null;
  let revalidations = 0;
  let closed = false;
  const listeners = new Set<(result: Result<LoadedWorkflow, WorkflowError>) => void>();
  const notify = (result: Result<LoadedWorkflow, WorkflowError>) => {
    for (const listener of [...listeners]) listener(result);
  };
  return {
    current: () => current,
    revalidate() {
      revalidations += 1;
      return failure === null ? ok(current) : err(failure);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      closed = true;
      listeners.clear();
    },
    update(next, nextTemplate = template) {
      current = loaded(next, nextTemplate);
      failure = null;
      notify(ok(current));
      return current;
    },
    fail(error) {
      failure = error;
      notify(err(error));
    },
    get revalidations() {
      return revalidations;
    },
    get closed() {
      return closed;
    },
  };
}
