/**
 * One Asana candidate poll over 2,000 tasks (20 pages of 100) from the loopback fake, against the
 * same 20 requests sent with bare `fetch` + `JSON.parse`. Prints `asana-tick: <median ratio>`.
 */
import { silentLogger } from "../src/domain/logger.js";
import { AsanaTracker } from "../src/tracker/asana/adapter.js";
import { ASANA_TASK_FIELDS } from "../src/tracker/asana/client.js";
import { systemClock } from "../src/util/clock.js";
import { fakeAsanaTask, startFakeAsanaServer } from "../test/support/fake-asana-server.js";
import { compare } from "./_rest-tick.js";

const TASKS = 2_000;
const PROJECT = "1100000000000001";
const server = await startFakeAsanaServer();
const todo = server.section(PROJECT, "To do");
const doing = server.section(PROJECT, "Doing");
for (let n = 0; n < TASKS; n++)
  server.put(fakeAsanaTask(PROJECT, n % 2 === 0 ? todo : doing, { tags: ["Backend", "p1"] }));
const adapter = new AsanaTracker(
  {
    endpoint: server.endpoint,
    apiKey: server.token,
    secretEnvNames: [],
    projectGid: PROJECT,
    timeoutMs: 30_000,
    pageSize: 100,
  },
  silentLogger,
  systemClock,
);

const ratio = await compare(
  [
    {
      name: "adapter",
      async run() {
        const result = await adapter.fetchIssuesByStates(["To do", "Doing"], new AbortController().signal);
        if (!result.ok) throw new Error(result.error.message);
        return result.value.length;
      },
    },
    {
      name: "bare fetch + JSON.parse",
      async run() {
        let count = 0;
        let offset: string | null = null;
        for (;;) {
          const url = new URL(`${server.endpoint}/projects/${PROJECT}/tasks`);
          url.searchParams.set("limit", "100");
          url.searchParams.set("opt_fields", ASANA_TASK_FIELDS);
          if (offset !== null) url.searchParams.set("offset", offset);
          const response = await fetch(url, {
            headers: { authorization: `Bearer ${server.token}`, accept: "application/json" },
          });
          const page = JSON.parse(await response.text()) as {
            data: unknown[];
            next_page: { offset: string } | null;
          };
          count += page.data.length;
          if (page.next_page === null) return count;
          offset = page.next_page.offset;
        }
      },
    },
  ],
  15,
  TASKS,
);
await server.close();
process.stdout.write(`asana-tick: ${ratio.toFixed(2)}\n`);
