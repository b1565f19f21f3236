import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../../src/domain/logger.js";
import { GithubTracker } from "../../../src/tracker/github/adapter.js";
import { parseGithubProvider } from "../../../src/tracker/github/config.js";
import { normaliseGithubIssue } from "../../../src/tracker/github/normalise.js";
import { type FakeGithubServer, startFakeGithubServer } from "../../support/fake-github-server.js";
import { ManualClock } from "../../support/manual-clock.js";

const labelled = { owner: "a", repo: "b", stateLabelPrefix: "status:" };
const record = (state: string, labels: string[]) => ({
  number: 4,
  title: "t",
  state,
  labels: labels.map((name) => ({ name })),
});

describe("github state labels (provider.state_labels)", () => {
  const cases: [string, string, string[], string, boolean][] = [
    [
      "an open issue takes the suffix of its state label",
      "open",
      ["bug", "status:In-Progress"],
      "In-Progress",
      true,
    ],
    ["an open issue without a state label is `open`", "open", ["bug"], "open", true],
    ["a bare prefix label is ignored", "open", ["status:"], "open", true],
    ["a closed issue is `closed` whatever its labels", "closed", ["status:todo"], "closed", true],
    [
      "conflicting state labels: the first by name, not dispatchable",
      "open",
      ["status:todo", "status:human-review"],
      "human-review",
      false,
    ],
    ["the prefix matches case-insensitively", "open", ["Status:Todo"], "Todo", true],
  ];
  for (const [name, state, labels, expected, dispatchable] of cases) {
    it(name, () => {
      const result = normaliseGithubIssue(record(state, labels), labelled);
      const issue = result.kind === "issue" ? result.issue : null;
      expect([issue?.state, issue?.dispatchable]).toEqual([expected, dispatchable]);
    });
  }

  it("without state_labels, labels never change the state", () => {
    const result = normaliseGithubIssue(record("open", ["status:todo"]), {
      ...labelled,
      stateLabelPrefix: null,
    });
    expect(result).toMatchObject({ kind: "issue", issue: { state: "open" } });
  });

  it("a record without a positive integer number, a title or a state is malformed, with the reason", () => {
    for (const raw of [
      { ...record("open", []), number: "4" },
      { ...record("open", []), number: 0 },
      { number: 4, state: "open" },
      { number: 4, title: "t", state: " " },
      null,
      [],
    ]) {
      expect(normaliseGithubIssue(raw, labelled)).toMatchObject({
        kind: "malformed",
        reason: expect.any(String),
      });
    }
  });
});

describe("github tracker in state-label mode", () => {
  let server: FakeGithubServer;
  afterEach(async () => {
    await server.close();
  });

  it("active states name labels: only open issues carrying them are candidates, closed stays terminal", async () => {
    server = await startFakeGithubServer("acme", "app", "t");
    server.add({ number: 1, labels: [{ name: "status:todo" }] });
    server.add({ number: 2, labels: [{ name: "status:human-review" }] });
    server.add({ number: 3 });
    server.add({ number: 4, state: "closed", labels: [{ name: "status:todo" }] });
    const parsed = parseGithubProvider(
      { repo: "acme/app", token: "t", api_url: server.url, state_labels: "status:" },
      { workflowDir: "/", env: {} },
    );
    if (!parsed.ok) throw new Error("config");
    const tracker = new GithubTracker(parsed.value, silentLogger, new ManualClock());
    const signal = new AbortController().signal;
    const active = await tracker.fetchIssuesByStates(["Todo", "In-Progress"], signal);
    expect(active.ok && active.value.map((i) => [i.id, i.state])).toEqual([["1", "todo"]]);
    expect(server.requests.at(-1)?.query.get("state")).toBe("open");
    const terminal = await tracker.fetchIssuesByStates(["closed"], signal);
    expect(terminal.ok && terminal.value.map((i) => i.id)).toEqual(["4"]);
    expect(server.requests.at(-1)?.query.get("state")).toBe("closed");
  });
});
