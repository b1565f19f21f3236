import { createHash } from "node:crypto";
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { resolve } from "node:path";
import { buildServiceConfig } from "../config/build-config.js";
import type { ConfigKinds } from "../config/kind-settings.js";
import type { ServiceConfig } from "../config/types.js";
import { findUnknownKeys, type UnknownKey } from "../config/unknown-keys.js";
import { messageOf } from "../domain/errors.js";
import { err, ok, type Result } from "../domain/result.js";
import type { WorkflowError } from "../domain/workflow-error.js";
import { CONFIG_KINDS } from "../kinds.js";
import { splitFrontMatter } from "./front-matter.js";
import { type CompiledPrompt, compilePrompt, type TemplateOrigin } from "./prompt.js";
import type { LoadedWorkflow } from "./types.js";
import { parseFrontMatterYaml } from "./yaml-front-matter.js";

/** Largest WORKFLOW.md accepted; anything bigger is refused before it is read. */
export const MAX_WORKFLOW_BYTES = 1024 * 1024;

/** Options for loading a workflow. */
export interface LoadOptions {
  /** Environment used for `$VAR` and `~` resolution (default `process.env`). */
  readonly env?: NodeJS.ProcessEnv;
  /** The tracker/backend kinds to validate against (default: every registered kind, `src/kinds.ts`). */
  readonly kinds?: ConfigKinds;
}

export { resolveWorkflowPath } from "./workflow-path.js";

/** Hex SHA-256 of file content; reloads compare it to skip unchanged files. */
export function contentHash(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Reads the file bytes, refusing unreadable paths (`missing_workflow_file`) and oversized files. */
export function readWorkflowBytes(path: string): Result<Buffer, WorkflowError> {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (cause) {
    return err({
      code: "missing_workflow_file",
      message: `cannot read workflow file: ${messageOf(cause)}`,
      path,
    });
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) {
      return err({ code: "missing_workflow_file", message: "workflow path is not a regular file", path });
    }
    if (stat.size > MAX_WORKFLOW_BYTES) {
      return err({
        code: "workflow_parse_error",
        message: `workflow file is ${stat.size} bytes; the limit is ${MAX_WORKFLOW_BYTES}`,
        path,
      });
    }
    const buffer = Buffer.alloc(stat.size);
    let read = 0;
    while (read < stat.size) {
      const n = readSync(fd, buffer, read, stat.size - read, read);
      if (n === 0) break;
      read += n;
    }
    return ok(buffer.subarray(0, read));
  } catch (cause) {
    return err({
      code: "missing_workflow_file",
      message: `cannot read workflow file: ${messageOf(cause)}`,
      path,
    });
  } finally {
    closeSync(fd);
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

function decode(bytes: Uint8Array, path: string): Result<string, WorkflowError> {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return err({ code: "workflow_parse_error", message: "workflow file is not valid UTF-8 text", path });
  }
  const nul = text.indexOf("\u0000");
  if (nul !== -1) {
    const line = text.slice(0, nul).split("\n").length;
    return err({
      code: "workflow_parse_error",
      message: "workflow file contains NUL bytes (binary?)",
      path,
      line,
    });
  }
  return ok(text);
}

/** Builds a {@link LoadedWorkflow} from a config and a template (used by loaders and test sources). */
export function createLoadedWorkflow(
  config: ServiceConfig,
  template: string,
  hash: string,
  origin: TemplateOrigin = { path: config.workflowPath, line: 1, column: 1 },
): Result<LoadedWorkflow, WorkflowError> {
  const compiled = compilePrompt(template, origin);
  return compiled.ok ? ok(assemble(config, compiled.value, hash)) : compiled;
}

function assemble(
  config: ServiceConfig,
  prompt: CompiledPrompt,
  hash: string,
  unknownKeys: readonly LocatedUnknownKey[] = [],
): LoadedWorkflow {
  return Object.freeze({
    config,
    unknownKeys,
    promptTemplate: prompt.source,
    contentHash: hash,
    render: (issue, attempt) => prompt.render(issue, attempt),
  } satisfies LoadedWorkflow);
}

/** 1-based file position of a dotted front-matter key (or its nearest present ancestor). */
export type KeyLocator = (key: string) => { line: number; column: number } | undefined;

/** A front-matter key no schema reads, with its file position where the YAML has one. */
export type LocatedUnknownKey = UnknownKey & { readonly line?: number; readonly column?: number };

/** Everything learnt from one workflow text: the result, unknown keys, the prompt and a key locator. */
export interface WorkflowInspection {
  readonly result: Result<LoadedWorkflow, WorkflowError[]>;
  /** Keys the schema does not know (loading ignores them; `validate` reports them). */
  readonly unknownKeys: readonly LocatedUnknownKey[];
  /** The compiled prompt even when the config is invalid (null when the template itself fails). */
  readonly prompt: CompiledPrompt | null;
  readonly locate: KeyLocator;
}

/** Loads a workflow text and keeps the by-products `symphony validate` reports on (see {@link WorkflowInspection}). */
export function inspectWorkflowText(
  text: string,
  path: string,
  options: LoadOptions = {},
  hash: string = contentHash(text),
): WorkflowInspection {
  const absolute = resolve(path);
  const split = splitFrontMatter(text);
  let raw: Record<string, unknown> = {};
  let locate: KeyLocator = () => undefined;
  let locateKey: KeyLocator = () => undefined;
  if (split.yaml !== null) {
    const parsed = parseFrontMatterYaml(split.yaml, absolute, split.yamlFirstLine);
    if (!parsed.ok) return { result: err([parsed.error]), unknownKeys: [], prompt: null, locate };
    raw = parsed.value.value;
    locateKey = (key) => parsed.value.locateKey(key);
    locate = (key) => {
      const exact = parsed.value.locate(key);
      // Provider keys may have been written as Elixir's flat keys (`tracker.project_slug`).
      const flat = parsed.value.locate(key.replace(/^tracker\.provider\./, "tracker."));
      const best = flat !== undefined && (exact === undefined || flat.depth > exact.depth) ? flat : exact;
      return best === undefined ? undefined : { line: best.line, column: best.column };
    };
  }
  const kinds = options.kinds ?? CONFIG_KINDS;
  const unknownKeys = findUnknownKeys(raw, kinds).map((unknown) => ({
    ...unknown,
    ...locateKey(unknown.key),
  }));
  const origin = { path: absolute, line: split.bodyLine, column: split.bodyColumn };
  const config = buildServiceConfig(raw, { workflowPath: absolute, env: options.env ?? process.env, kinds });
  const prompt = compilePrompt(split.body, origin);
  const compiled = prompt.ok ? prompt.value : null;
  const errors: WorkflowError[] = [];
  if (!config.ok) {
    for (const e of config.error) {
      const pos = e.key !== undefined && e.line === undefined ? locate(e.key) : undefined;
      errors.push(pos === undefined ? e : { ...e, line: pos.line, column: pos.column });
    }
  }
  if (!prompt.ok) errors.push(prompt.error);
  if (!config.ok || !prompt.ok) return { result: err(errors), unknownKeys, prompt: compiled, locate };
  const loaded = assemble(config.value, prompt.value, hash, unknownKeys);
  return { result: ok(loaded), unknownKeys, prompt: compiled, locate };
}

/** Turns file text into a validated workflow; returns every problem found (positions where known). */
export function loadWorkflowText(
  text: string,
  path: string,
  options: LoadOptions = {},
  hash: string = contentHash(text),
): Result<LoadedWorkflow, WorkflowError[]> {
  return inspectWorkflowText(text, path, options, hash).result;
}

/** Reads, decodes and inspects a WORKFLOW.md; a read or decoding failure is the only error then. */
export function inspectWorkflowFile(path: string, options: LoadOptions = {}): WorkflowInspection {
  const absolute = resolve(path);
  const failed = (error: WorkflowError): WorkflowInspection => ({
    result: err([error]),
    unknownKeys: [],
    prompt: null,
    locate: () => undefined,
  });
  const bytes = readWorkflowBytes(absolute);
  if (!bytes.ok) return failed(bytes.error);
  const text = decode(bytes.value, absolute);
  if (!text.ok) return failed(text.error);
  return inspectWorkflowText(text.value, absolute, options, contentHash(bytes.value));
}

/** Decodes file bytes (UTF-8, no NUL) and validates them as a workflow. */
export function loadWorkflowBytes(
  bytes: Uint8Array,
  path: string,
  options: LoadOptions = {},
): Result<LoadedWorkflow, WorkflowError[]> {
  const absolute = resolve(path);
  const text = decode(bytes, absolute);
  if (!text.ok) return err([text.error]);
  return loadWorkflowText(text.value, absolute, options, contentHash(bytes));
}

/** Reads and validates a WORKFLOW.md (spec 5, 6): typed errors, never a throw for bad input. */
export function loadWorkflow(
  path: string,
  options: LoadOptions = {},
): Result<LoadedWorkflow, WorkflowError[]> {
  const absolute = resolve(path);
  const bytes = readWorkflowBytes(absolute);
  if (!bytes.ok) return err([bytes.error]);
  return loadWorkflowBytes(bytes.value, absolute, options);
}
