import { Liquid, type Template } from "liquidjs";
import { messageOf } from "../domain/errors.js";
import type { Issue } from "../domain/issue.js";
import { err, ok, type Result } from "../domain/result.js";
import type { WorkflowError } from "../domain/workflow-error.js";
import { issueTemplateContext } from "./prompt-context.js";

/** The prompt used when the WORKFLOW.md body is empty (spec 5.4). */
export const DEFAULT_PROMPT_TEMPLATE = `You are working on an issue from the configured tracker.

Identifier: {{ issue.identifier }}
Title: {{ issue.title }}

Body:
{% if issue.description %}{{ issue.description }}{% else %}No description provided.{% endif %}`;

/** Where the template text starts in its file, so errors point at file lines. */
export interface TemplateOrigin {
  readonly path: string;
  readonly line: number;
  readonly column: number;
}

/** A parsed prompt template that renders strictly. */
export interface CompiledPrompt {
  readonly source: string;
  render(issue: Issue, attempt: number | null): Result<string, WorkflowError>;
}

// Tags that read other templates (and so the filesystem) are removed from the engine.
const FILE_TAGS = ["include", "render", "layout"] as const;

function createEngine(): Liquid {
  const engine = new Liquid({
    strictVariables: true,
    strictFilters: true,
    ownPropertyOnly: true,
    templates: {},
    parseLimit: 1_000_000,
    renderLimit: 2_000,
    memoryLimit: 64 * 1024 * 1024,
  });
  for (const tag of FILE_TAGS) delete engine.tags[tag];
  return engine;
}

const engine = createEngine();

function position(cause: unknown, origin: TemplateOrigin): { line?: number; column?: number } {
  const token = (cause as { token?: { getPosition?: () => [number, number] } }).token;
  const pos = token?.getPosition?.();
  if (pos === undefined) return {};
  const [line, col] = pos;
  return { line: origin.line + line - 1, column: line === 1 ? origin.column + col - 1 : col };
}

function firstLine(message: string): string {
  return (message.split("\n")[0] ?? message).replace(/, line:\d+, col:\d+$/, "");
}

/** Parses a prompt template; unknown filters and tags (including include/render/layout) fail here. */
export function compilePrompt(source: string, origin: TemplateOrigin): Result<CompiledPrompt, WorkflowError> {
  const text = source.trim() === "" ? DEFAULT_PROMPT_TEMPLATE : source;
  let templates: Template[];
  try {
    templates = engine.parse(text);
  } catch (cause) {
    return err({
      code: "template_parse_error",
      message: firstLine(messageOf(cause)),
      path: origin.path,
      ...position(cause, origin),
    });
  }
  return ok({
    source: text,
    render(issue: Issue, attempt: number | null): Result<string, WorkflowError> {
      try {
        const out = engine.renderSync(templates, { issue: issueTemplateContext(issue), attempt });
        return ok(String(out));
      } catch (cause) {
        return err({
          code: "template_render_error",
          message: firstLine(messageOf(cause)),
          path: origin.path,
          ...position(cause, origin),
        });
      }
    },
  });
}
