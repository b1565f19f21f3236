import { readFileSync } from "node:fs";
import { getVariableValues, Kind, type OperationDefinitionNode, parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import {
  ADAPTER_QUERIES,
  ISSUES_BY_ID_QUERY,
  LABEL_PAGE_SIZE,
  POLL_QUERY,
  RELATION_PAGE_SIZE,
} from "../../../src/tracker/linear/queries.js";
import { LINEAR_GRAPHQL_TOOL } from "../../../src/tracker/linear/tools.js";
import { linearSchema } from "../../support/fake-linear-server.js";

function validationErrors(query: string): string[] {
  return validate(linearSchema(), parse(query)).map((e) => e.message);
}

function operationOf(query: string): OperationDefinitionNode {
  const op = parse(query).definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (op === undefined) throw new Error("no operation");
  return op as OperationDefinitionNode;
}

/** Variables exactly as the adapter builds them (see adapter.ts #paginate). */
const ADAPTER_VARIABLES: Record<string, Record<string, unknown>> = {
  SymphonyLinearPoll: {
    projectSlug: "proj",
    stateFilter: { or: [{ name: { eqIgnoreCase: "Todo" } }, { name: { eqIgnoreCase: "In Progress" } }] },
    first: 50,
    after: null,
    labelFirst: LABEL_PAGE_SIZE,
    relationFirst: RELATION_PAGE_SIZE,
  },
  SymphonyLinearIssuesById: {
    projectSlug: "proj",
    ids: ["9f1c9c0e-1111-4e8b-9f0a-000000000001"],
    first: 50,
    after: "cursor",
    labelFirst: LABEL_PAGE_SIZE,
    relationFirst: RELATION_PAGE_SIZE,
  },
  SymphonyLinearViewer: {},
};

describe("Linear queries validate against Linear's real schema", () => {
  for (const { operationName, query } of ADAPTER_QUERIES) {
    it(`${operationName} parses and validates with no errors`, () => {
      expect(validationErrors(query)).toEqual([]);
      expect(operationOf(query).name?.value).toBe(operationName);
    });

    it(`${operationName} accepts the variables the adapter sends (real input coercion)`, () => {
      const op = operationOf(query);
      const coerced = getVariableValues(
        linearSchema(),
        op.variableDefinitions ?? [],
        ADAPTER_VARIABLES[operationName] ?? {},
      );
      expect(coerced.errors ?? []).toEqual([]);
    });
  }

  it("the id refresh filters on IssueIDComparator with [ID!] as the schema requires", () => {
    const ids = operationOf(ISSUES_BY_ID_QUERY).variableDefinitions?.find(
      (v) => v.variable.name.value === "ids",
    );
    expect(ids && JSON.stringify(ids.type)).toContain('"value":"ID"');
    expect(validationErrors(ISSUES_BY_ID_QUERY.replace("$ids: [ID!]!", "$ids: [Int!]!"))).not.toEqual([]);
  });

  it("control: a misspelt field, a wrong argument type and an unknown argument are rejected", () => {
    expect(validationErrors(POLL_QUERY.replace("branchName", "branchname"))).toEqual([
      expect.stringContaining('Cannot query field "branchname" on type "Issue"'),
    ]);
    expect(validationErrors(POLL_QUERY.replace("$first: Int!", "$first: String!"))).not.toEqual([]);
    expect(validationErrors(POLL_QUERY.replace("orderBy: createdAt", "orderBy: priority"))).not.toEqual([]);
    expect(validationErrors(POLL_QUERY.replace("first: $first", "limit: $first"))).not.toEqual([]);
  });

  it("every GraphQL example in PROFILE.md (the hand-off recipes given to prompt authors) validates", () => {
    const profile = readFileSync(new URL("../../../src/tracker/linear/PROFILE.md", import.meta.url), "utf8");
    const examples = [...profile.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");
    expect(examples.length).toBeGreaterThanOrEqual(3);
    for (const example of examples) expect(validationErrors(example)).toEqual([]);
  });

  it("the tool advertises its name and input schema", () => {
    expect(LINEAR_GRAPHQL_TOOL.name).toBe("linear_graphql");
    expect(LINEAR_GRAPHQL_TOOL.inputSchema).toMatchObject({
      required: ["query"],
      additionalProperties: false,
    });
  });
});
