import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Issue } from "../../../src/domain/issue.js";
import {
  type FakeGithubProjectServer,
  startFakeGithubProjectServer,
} from "../../support/fake-github-project-server.js";
import { projectAdapter } from "../../support/github-project/fixture.js";

let server: FakeGithubProjectServer;
const context = { issue: { id: "x" } as Issue, signal: new AbortController().signal };

beforeEach(async () => {
  server = await startFakeGithubProjectServer();
});
afterEach(async () => {
  await server.close();
});

describe("github_graphql tool", () => {
  it("runs the agent's mutation with Symphony's token; the token never appears in the output", async () => {
    const item = server.store.add({ title: "Tool" });
    const { adapter } = projectAdapter(server);
    expect(adapter.toolSpecs().map((s) => s.name)).toEqual(["github_graphql"]);
    const result = await adapter.executeTool(
      "github_graphql",
      {
        query:
          'mutation M($s: ID!) { addComment(input: {subjectId: $s, body: "from the agent"}) { commentEdge { node { id } } } }',
        variables: { s: item.contentId },
      },
      context,
    );
    expect(result.success).toBe(true);
    expect(server.store.comments.map((c) => c.body)).toEqual(["from the agent"]);
    expect(server.requests[0]?.authorization).toBe(`Bearer ${server.token}`);
    expect(JSON.stringify(result)).not.toContain(server.token);
  });

  it("a query the schema rejects fails like GitHub: success false with GitHub's errors", async () => {
    const { adapter } = projectAdapter(server);
    const result = await adapter.executeTool("github_graphql", { query: "{ viewer { loginn } }" }, context);
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.output)).toContain('Cannot query field \\"loginn\\" on type \\"User\\"');
  });

  it("refuses bad input before any request, and unknown tool names", async () => {
    const { adapter } = projectAdapter(server);
    for (const args of [
      {},
      { query: "{ a } { b }" },
      { query: "query {", variables: null },
      { query: "{ a }", variables: [] },
    ]) {
      const result = await adapter.executeTool("github_graphql", args, context);
      expect(result.success).toBe(false);
      expect(result.output).toMatchObject({ error: { kind: "invalid_input" } });
    }
    expect((await adapter.executeTool("linear_graphql", {}, context)).success).toBe(false);
    expect(server.requests).toHaveLength(0);
  });
});
