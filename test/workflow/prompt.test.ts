import { describe, expect, it } from "vitest";
import type { Issue } from "../../src/domain/issue.js";
import { compilePrompt } from "../../src/workflow/prompt.js";
import { issueTemplateContext, SAMPLE_ISSUE } from "../../src/workflow/prompt-context.js";

const origin = { path: "/w/WORKFLOW.md", line: 10, column: 1 };

function render(template: string, issue: Issue = SAMPLE_ISSUE, attempt: number | null = null) {
  const compiled = compilePrompt(template, origin);
  if (!compiled.ok) return compiled;
  return compiled.value.render(issue, attempt);
}

describe("prompt rendering (spec 5.4, 12)", () => {
  it("17.1: prompt template renders issue and attempt", () => {
    expect(render("{{ issue.identifier }}: {{ issue.title }} #{{ attempt }}", SAMPLE_ISSUE, 3)).toEqual({
      ok: true,
      value: "SAMPLE-1: Sample issue used to validate the prompt template #3",
    });
  });

  it("Liquid in issue text is rendered literally, never evaluated (a title cannot run template code)", () => {
    const hostile = {
      ...SAMPLE_ISSUE,
      title: "{{ attempt }}{% for i in (1..99999999) %}x{% endfor %}",
      description: "{% raw %}{{ issue.id }}{% endraw %} {{ 'a' | upcase }}",
    };
    expect(render("T={{ issue.title }} D={{ issue.description }}", hostile, 7)).toEqual({
      ok: true,
      value: `T=${hostile.title} D=${hostile.description}`,
    });
  });

  it("12.3: attempt is null on a first run", () => {
    expect(render("{% if attempt %}retry {{ attempt }}{% else %}first{% endif %}")).toEqual({
      ok: true,
      value: "first",
    });
    expect(render("{% if attempt %}retry {{ attempt }}{% else %}first{% endif %}", SAMPLE_ISSUE, 1)).toEqual({
      ok: true,
      value: "retry 1",
    });
  });

  it("12.2: labels and blockers stay iterable, keys are snake_case, timestamps ISO", () => {
    const out = render(
      "{% for l in issue.labels %}[{{ l }}]{% endfor %} {% for b in issue.blocked_by %}{{ b.identifier }}={{ b.state }}{% endfor %} {{ issue.branch_name }} {{ issue.created_at }} {{ issue.assignee_id }}",
    );
    expect(out).toEqual({
      ok: true,
      value: "[sample] SAMPLE-0=Done sample-1-branch 2026-01-01T00:00:00.000Z sample-user",
    });
  });

  it("the context exposes every normalised issue field", () => {
    expect(Object.keys(issueTemplateContext(SAMPLE_ISSUE)).sort()).toEqual(
      [
        "assignee_id",
        "blocked_by",
        "branch_name",
        "created_at",
        "description",
        "dispatchable",
        "id",
        "identifier",
        "labels",
        "native_ref",
        "priority",
        "state",
        "title",
        "updated_at",
        "url",
      ].sort(),
    );
    expect(issueTemplateContext({ ...SAMPLE_ISSUE, createdAt: null, nativeRef: null })).toMatchObject({
      created_at: null,
      native_ref: null,
    });
  });

  it("17.1: prompt rendering fails on unknown variables (strict mode)", () => {
    const out = render("line one\n{{ issue.nope }}");
    expect(out.ok).toBe(false);
    if (!out.ok)
      expect(out.error).toMatchObject({ code: "template_render_error", path: origin.path, line: 11 });
    const top = render("{{ whatever }}");
    expect(!top.ok && top.error.code).toBe("template_render_error");
  });

  it("5.4: unknown filters fail when the template is parsed", () => {
    const out = compilePrompt("{{ issue.title | shout }}", origin);
    expect(!out.ok && out.error).toMatchObject({ code: "template_parse_error", line: 10 });
  });

  it("unclosed tags are template_parse_error", () => {
    expect(!compilePrompt("{% if attempt %}never closed", origin).ok).toBe(true);
    const r = compilePrompt("{{ issue.title", origin);
    expect(!r.ok && r.error.code).toBe("template_parse_error");
  });

  it.each(["{% include 'secrets.txt' %}", "{% render '/etc/passwd' %}", "{% layout 'base' %}x"])(
    "no tag may read the filesystem: %s is a template_parse_error",
    (template) => {
      const r = compilePrompt(template, origin);
      expect(!r.ok && r.error.code).toBe("template_parse_error");
    },
  );

  it("a runaway loop is stopped by the render limit with a typed error", () => {
    const r = render("{% for i in (1..100000000) %}{{ i }}{% endfor %}");
    expect(!r.ok && r.error.code).toBe("template_render_error");
  }, 10_000);

  it("standard filters work", () => {
    expect(render("{{ issue.title | upcase | truncate: 9 }}")).toEqual({ ok: true, value: "SAMPLE..." });
  });
});
