/**
 * One Jira candidate poll over 2,000 issues (20 pages of 100) from the loopback fake, against the
 * same 20 requests sent with bare `fetch` + `JSON.parse`. Prints `jira-tick: <median ratio>`.
 */
import { silentLogger } from "../src/domain/logger.js";
import { JiraTracker } from "../src/tracker/jira/adapter.js";
import { statesJql } from "../src/tracker/jira/jql.js";
import { JIRA_FIELDS } from "../src/tracker/jira/normalise.js";
import { systemClock } from "../src/util/clock.js";
import { fakeJiraIssue, startFakeJiraServer } from "../test/support/fake-jira-server.js";
import { compare } from "./_rest-tick.js";

const ISSUES = 2_000;
const server = await startFakeJiraServer();
for (let n = 1; n <= ISSUES; n++) {
  server.put(
    fakeJiraIssue(`PROJ-${n}`, {
      status: n % 2 === 0 ? "To Do" : "In Progress",
      category: n % 2 === 0 ? "new" : "indeterminate",
      labels: ["Backend", "p1"],
      created: `2024-01-01T00:00:${String(n % 60).padStart(2, "0")}.000+0000`,
      blockedBy: n > 1 && n % 10 === 0 ? [`PROJ-${n - 1}`] : [],
    }),
  );
}
const states = ["To Do", "In Progress"];
const adapter = new JiraTracker(
  {
    baseUrl: server.url,
    email: server.email,
    apiToken: server.token,
    secretEnvNames: [],
    projectKey: "PROJ",
    timeoutMs: 30_000,
    pageSize: 100,
  },
  ["Done"],
  silentLogger,
  systemClock,
);
const auth = `Basic ${Buffer.from(`${server.email}:${server.token}`).toString("base64")}`;
const jql = statesJql("PROJ", states);

const ratio = await compare(
  [
    {
      name: "adapter",
      async run() {
        const result = await adapter.fetchIssuesByStates(states, new AbortController().signal);
        if (!result.ok) throw new Error(result.error.message);
        return result.value.length;
      },
    },
    {
      name: "bare fetch + JSON.parse",
      async run() {
        let count = 0;
        let token: string | undefined;
        for (;;) {
          const response = await fetch(`${server.url}/rest/api/3/search/jql`, {
            method: "POST",
            headers: { authorization: auth, "content-type": "application/json", accept: "application/json" },
            body: JSON.stringify({
              jql,
              fields: JIRA_FIELDS,
              maxResults: 100,
              ...(token ? { nextPageToken: token } : {}),
            }),
          });
          const page = JSON.parse(await response.text()) as {
            issues: unknown[];
            isLast: boolean;
            nextPageToken?: string;
          };
          count += page.issues.length;
          if (page.isLast || page.nextPageToken === undefined) return count;
          token = page.nextPageToken;
        }
      },
    },
  ],
  15,
  ISSUES,
);
await server.close();
process.stdout.write(`jira-tick: ${ratio.toFixed(2)}\n`);
