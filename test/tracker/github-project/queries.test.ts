import { getVariableValues, Kind, type OperationDefinitionNode, parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import {
  ADAPTER_DOCUMENTS,
  BLOCKER_PAGE_SIZE,
  LABEL_PAGE_SIZE,
} from "../../../src/tracker/github-project/queries.js";
import { githubSchema } from "../../support/fake-github-project-server.js";

function operationOf(query: string): OperationDefinitionNode {
  const op = parse(query).definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (op === undefined) throw new Error("no operation");
  return op as OperationDefinitionNode;
}

const FIELDS = { statusField: "Status", priorityField: "Priority" };
/** Variables exactly as the adapter sends them (see adapter.ts). */
const VARIABLES: Record<string, Record<string, unknown>> = {
  SymphonyGithubProjectItems: {
    ...FIELDS,
    login: "acme",
    number: 7,
    first: 50,
    after: null,
    labelFirst: LABEL_PAGE_SIZE,
    blockerFirst: BLOCKER_PAGE_SIZE,
  },
  SymphonyGithubProjectItemsById: {
    ...FIELDS,
    ids: ["PVTI_1"],
    labelFirst: LABEL_PAGE_SIZE,
    blockerFirst: BLOCKER_PAGE_SIZE,
  },
  SymphonyGithubProjectFields: { ...FIELDS, login: "acme", number: 7 },
  SymphonyGithubProjectMove: { projectId: "PVT_1", itemId: "PVTI_1", fieldId: "F_1", optionId: "abc" },
  SymphonyGithubProjectComment: { subjectId: "I_1", body: "hello" },
};

describe("GitHub Projects documents validate against GitHub's public schema (@octokit/graphql-schema)", () => {
  for (const { operationName, query } of ADAPTER_DOCUMENTS) {
    it(`${operationName} validates and accepts the adapter's variables`, () => {
      expect(validate(githubSchema(), parse(query)).map((e) => e.message)).toEqual([]);
      const op = operationOf(query);
      expect(op.name?.value).toBe(operationName);
      const coerced = getVariableValues(
        githubSchema(),
        op.variableDefinitions ?? [],
        VARIABLES[operationName] ?? {},
      );
      expect(coerced.errors ?? []).toEqual([]);
    });
  }

  it("the schema check is real: a field GitHub does not have fails validation", () => {
    const broken = ADAPTER_DOCUMENTS[0]?.query.replace("isArchived", "isArchivedd") ?? "";
    expect(validate(githubSchema(), parse(broken)).map((e) => e.message)).toEqual([
      'Cannot query field "isArchivedd" on type "ProjectV2Item". Did you mean "isArchived"?',
    ]);
  });

  it("page sizes stay within GitHub's 100-node connection limit", () => {
    expect(LABEL_PAGE_SIZE).toBeLessThanOrEqual(100);
    expect(BLOCKER_PAGE_SIZE).toBeLessThanOrEqual(100);
  });
});
