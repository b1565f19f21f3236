import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { validateWorkflowFile } from "../../src/cli/validate-command.js";
import { formatWorkflowError } from "../../src/workflow/workflow-errors.js";

const examples = fileURLToPath(new URL("../../examples/", import.meta.url));
const env = {
  HOME: "/home/symphony",
  GITHUB_REPO: "acme/app",
  GITHUB_TOKEN: "ghp_example_token",
  LINEAR_API_KEY: "lin_example_key",
  LINEAR_PROJECT_SLUG: "app-1234",
};

describe("the shipped examples validate as documented", () => {
  it.each([["local/WORKFLOW.md"], ["github-codex/WORKFLOW.md"], ["github-codex/WORKFLOW.linear.md"]])(
    "%s loads, has no unknown key and renders its prompt",
    (file) => {
      const validated = validateWorkflowFile(join(examples, file), env);
      const problems = validated.ok ? [] : validated.error.errors.map(formatWorkflowError);
      expect(problems).toEqual([]);
      if (validated.ok) expect(validated.value.notes).toEqual([]);
    },
  );
});
