import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/program.js";
import type { WorkflowErrorCode } from "../../src/domain/workflow-error.js";
import { loadWorkflow } from "../../src/workflow/loader.js";
import { SAMPLE_ISSUE } from "../../src/workflow/prompt-context.js";
import { captureIo } from "../support/cli-io.js";
import { makeTempDir } from "../support/temp-dir.js";

/** One malformed WORKFLOW.md: how to write it and the typed error it must give. */
interface Variant {
  readonly name: string;
  readonly write: (path: string) => void;
  readonly code: WorkflowErrorCode;
  /** `render`: the file loads, and the error appears when the prompt is rendered. */
  readonly stage?: "render";
  readonly env?: NodeJS.ProcessEnv;
}

const doc = (front: string, body = "Work on {{ issue.identifier }}") => `---\n${front}\n---\n${body}\n`;
const text = (content: string | Buffer) => (path: string) => writeFileSync(path, content);
const ok = "tracker:\n  kind: memory";
const staircase = (levels: number, step: string) =>
  Array.from({ length: levels }, (_, i) => `${step.repeat(i)}k${i}:`)
    .join("\n")
    .concat(" x");
const aliasBomb = [
  "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]",
  ...["b", "c", "d", "e", "f", "g", "h", "i"].map((k, i) => {
    const prev = "abcdefgh"[i];
    return `${k}: &${k} [${Array(9).fill(`*${prev}`).join(", ")}]`;
  }),
].join("\n");

const variants: Variant[] = [
  { name: "missing file", write: () => {}, code: "missing_workflow_file" },
  { name: "a directory instead of a file", write: (p) => mkdirSync(p), code: "missing_workflow_file" },
  {
    name: "unclosed flow sequence",
    write: text(doc(`${ok}\n  active_states: [Todo`)),
    code: "workflow_parse_error",
  },
  {
    name: "unclosed quoted string",
    write: text(doc(`${ok}\n  endpoint: "https://x`)),
    code: "workflow_parse_error",
  },
  { name: "tab indentation", write: text(doc("tracker:\n\tkind: memory")), code: "workflow_parse_error" },
  {
    name: "duplicate keys",
    write: text(doc(`${ok}\npolling: {}\npolling: {}`)),
    code: "workflow_parse_error",
  },
  {
    name: "bad mapping indentation",
    write: text(doc("tracker:\n  kind: memory\n bad: 1")),
    code: "workflow_parse_error",
  },
  {
    name: "unterminated front matter with bad YAML",
    write: text("---\ntracker: {kind: memory\n"),
    code: "workflow_parse_error",
  },
  {
    name: "front matter is a list",
    write: text(doc("- tracker\n- polling")),
    code: "workflow_front_matter_not_a_map",
  },
  {
    name: "front matter is a scalar",
    write: text(doc("just words")),
    code: "workflow_front_matter_not_a_map",
  },
  { name: "front matter is a number", write: text(doc("42")), code: "workflow_front_matter_not_a_map" },
  {
    name: "binary garbage",
    write: text(Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256))),
    code: "workflow_parse_error",
  },
  {
    name: "invalid UTF-8 (Latin-1 text)",
    write: text(Buffer.from("---\ntracker:\n  kind: m\xe9moire\n---\n", "latin1")),
    code: "workflow_parse_error",
  },
  {
    name: "a 50 MB file",
    write: (p) =>
      writeFileSync(
        p,
        Buffer.concat([Buffer.from(`---\n${ok}\n---\n`), Buffer.alloc(50 * 1024 * 1024, "a")]),
      ),
    code: "workflow_parse_error",
  },
  {
    name: "deeply nested flow YAML",
    write: text(doc(`deep: ${"[".repeat(20_000)}${"]".repeat(20_000)}`)),
    code: "workflow_parse_error",
  },
  {
    name: "deeply nested block YAML",
    write: text(doc(staircase(200, "  "))),
    code: "workflow_parse_error",
  },
  {
    name: "deeply nested compact sequences",
    write: text(doc(`${"- ".repeat(20_000)}x`)),
    code: "workflow_parse_error",
  },
  {
    name: "deep indentation staircase",
    write: text(doc(staircase(3_000, " "))),
    code: "workflow_parse_error",
  },
  { name: "YAML alias bomb", write: text(doc(`${ok}\n${aliasBomb}`)), code: "workflow_parse_error" },
  {
    name: "polling.interval_ms is a string",
    write: text(doc(`${ok}\npolling:\n  interval_ms: soon`)),
    code: "invalid_workflow_config",
  },
  {
    name: "polling.interval_ms is negative",
    write: text(doc(`${ok}\npolling:\n  interval_ms: -5`)),
    code: "invalid_workflow_config",
  },
  {
    name: "agent.max_turns is not an integer",
    write: text(doc(`${ok}\nagent:\n  max_turns: 2.5`)),
    code: "invalid_workflow_config",
  },
  {
    name: "agent.max_concurrent_agents is 0",
    write: text(doc(`${ok}\nagent:\n  max_concurrent_agents: 0`)),
    code: "invalid_workflow_config",
  },
  {
    name: "hooks.timeout_ms is negative",
    write: text(doc(`${ok}\nhooks:\n  timeout_ms: -1`)),
    code: "invalid_workflow_config",
  },
  {
    name: "hooks.after_create is a list",
    write: text(doc(`${ok}\nhooks:\n  after_create: [a, b]`)),
    code: "invalid_workflow_config",
  },
  {
    name: "codex.turn_timeout_ms is text",
    write: text(doc(`${ok}\ncodex:\n  turn_timeout_ms: 1h`)),
    code: "invalid_workflow_config",
  },
  {
    name: "codex.command is blank",
    write: text(doc(`${ok}\ncodex:\n  command: "  "`)),
    code: "invalid_workflow_config",
  },
  {
    name: "agent section is a string",
    write: text(doc(`${ok}\nagent: fast`)),
    code: "invalid_workflow_config",
  },
  {
    name: "server.port out of range",
    write: text(doc(`${ok}\nserver:\n  port: 1000000`)),
    code: "invalid_workflow_config",
  },
  {
    name: "tracker.active_states is not a list",
    write: text(doc(`${ok}\n  active_states: Todo`)),
    code: "invalid_workflow_config",
  },
  {
    name: "tracker.provider is not a map",
    write: text(doc(`${ok}\n  provider: [1]`)),
    code: "invalid_workflow_config",
  },
  {
    name: "memory issue without a title",
    write: text(doc(`${ok}\n  issues: [{id: 1, identifier: M-1, state: Todo}]`)),
    code: "invalid_workflow_config",
  },
  {
    name: "unsupported tracker kind",
    write: text(doc("tracker:\n  kind: trello")),
    code: "unsupported_tracker_kind",
  },
  {
    name: "no front matter (no tracker kind)",
    write: text("Just a prompt.\n"),
    code: "unsupported_tracker_kind",
  },
  {
    name: "linear without an API key",
    write: text(doc("tracker:\n  kind: linear\n  project_slug: p")),
    code: "missing_tracker_secret",
  },
  {
    name: "linear api_key $VAR set but empty",
    write: text(doc("tracker:\n  kind: linear\n  project_slug: p\n  api_key: $LIN_KEY")),
    code: "missing_tracker_secret",
    env: { LIN_KEY: "", LINEAR_API_KEY: "fallback" },
  },
  { name: "unknown filter", write: text(doc(ok, "{{ issue.title | shout }}")), code: "template_parse_error" },
  { name: "unclosed if tag", write: text(doc(ok, "{% if attempt %}retry")), code: "template_parse_error" },
  { name: "unclosed output", write: text(doc(ok, "{{ issue.title")), code: "template_parse_error" },
  { name: "unknown tag", write: text(doc(ok, "{% frobnicate %}")), code: "template_parse_error" },
  {
    name: "include tag (filesystem access)",
    write: text(doc(ok, "{% include '/etc/passwd' %}")),
    code: "template_parse_error",
  },
  {
    name: "unknown variable",
    write: text(doc(ok, "{{ issue.nope }}")),
    code: "template_render_error",
    stage: "render",
  },
  {
    name: "unknown top-level variable",
    write: text(doc(ok, "{{ ticket.title }}")),
    code: "template_render_error",
    stage: "render",
  },
];

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ path: dir, cleanup } = await makeTempDir());
});
afterAll(async () => {
  await cleanup();
});

describe("malformed WORKFLOW.md variants: typed error within a second, never a crash or hang", () => {
  it("there are at least thirty variants", () => {
    expect(variants.length).toBeGreaterThanOrEqual(30);
  });

  it.each(variants.map((v, i) => [v.name, v, i] as const))("%s → typed error", (_name, variant, i) => {
    const path = join(dir, `W${i}.md`);
    variant.write(path);
    const started = performance.now();
    const loaded = loadWorkflow(path, { env: variant.env ?? {} });
    let code: WorkflowErrorCode | undefined;
    if (variant.stage === "render") {
      expect(loaded.ok).toBe(true);
      if (loaded.ok) {
        const rendered = loaded.value.render(SAMPLE_ISSUE, null);
        code = rendered.ok ? undefined : rendered.error.code;
      }
    } else {
      code = loaded.ok ? undefined : loaded.error[0]?.code;
    }
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(code).toBe(variant.code);
  });

  it.each(variants.map((v, i) => [v.name, v, i] as const))(
    "symphony validate on %s exits non-zero naming the error",
    async (_name, variant, i) => {
      const path = join(dir, `W${i}.md`);
      const io = captureIo(dir, variant.env ?? {});
      expect(await runCli(["validate", path], io)).toBe(1);
      expect(io.err()).toContain(`(${variant.code})`);
    },
  );
});

/** A small deterministic PRNG (mulberry32) so the mutation test is reproducible. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("random mutations of a valid WORKFLOW.md", () => {
  it("500 byte-level mutations each give a Result (typed error or a workflow), never a throw, each within a second", () => {
    const base = Buffer.from(
      "---\ntracker:\n  kind: memory\n  active_states: [Todo, 'In Progress']\npolling: {interval_ms: 1000}\n" +
        "agent:\n  max_turns: 3\n  max_concurrent_agents_by_state: {todo: 2}\nhooks:\n  after_create: |\n    echo hi\n" +
        "---\n{% if attempt %}retry {{ attempt }}{% endif %} {{ issue.identifier | upcase }}\n",
    );
    const random = prng(20_260_101);
    const alphabet = Buffer.from("-:[]{}&*!|>'\"#%{}\n\t \u0000aZ9.$~");
    const codes = new Set<string>();
    for (let i = 0; i < 500; i += 1) {
      const bytes = Buffer.from(base);
      const edits = 1 + Math.floor(random() * 4);
      for (let e = 0; e < edits; e += 1) {
        const at = Math.floor(random() * bytes.length);
        bytes[at] = alphabet[Math.floor(random() * alphabet.length)] ?? 0;
      }
      const path = join(dir, `M${i}.md`);
      writeFileSync(path, bytes);
      const started = performance.now();
      const loaded = loadWorkflow(path, { env: {} });
      if (loaded.ok) {
        const rendered = loaded.value.render(SAMPLE_ISSUE, 2);
        codes.add(rendered.ok ? "ok" : rendered.error.code);
      } else {
        codes.add(loaded.error[0]?.code ?? "none");
      }
      expect(performance.now() - started).toBeLessThan(1_000);
    }
    expect(codes.has("none")).toBe(false);
    // The mutations reach several layers: YAML, config validation and templates.
    expect(codes.size).toBeGreaterThanOrEqual(3);
  });
});
