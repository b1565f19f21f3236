import { describe, expect, it } from "vitest";
import { jqlString, statesJql } from "../../../src/tracker/jira/jql.js";
import { parseJql } from "../../support/fake-jira-server.js";

describe("JQL building", () => {
  it("escapes JQL strings (backslash and double quote) so state names cannot break out", () => {
    expect(jqlString('Say "hi" \\ bye')).toBe('"Say \\"hi\\" \\\\ bye"');
    const jql = statesJql("PROJ", ['Odd") OR project = "X', "A\\"]);
    expect(parseJql(jql)).toEqual({ project: "PROJ", statuses: ['Odd") OR project = "X', "A\\"] });
  });
});
