import { type FakeHttp, type Reply, type SeenRequest, startFakeHttp } from "./fake-http.js";

/** A Jira issue in the fake's store (the fake renders REST v3 payloads from it). */
export interface FakeJiraIssue {
  id: string;
  key: string;
  project: string;
  summary: string;
  /** An ADF document, or null. */
  description: unknown;
  status: string;
  /** `new` | `indeterminate` | `done`, or null to omit the category. */
  category: string | null;
  labels: string[];
  assigneeAccountId: string | null;
  priority: string | null;
  created: string;
  updated: string;
  /** Keys of issues that block this one (rendered as inward "Blocks" links). */
  blockedBy: string[];
}

/** A comment posted through the REST API. */
export interface FakeJiraComment {
  readonly issueKey: string;
  readonly body: unknown;
}

/** The fake Jira Cloud site: store, request log and fault queue. */
export interface FakeJiraServer extends FakeHttp {
  readonly email: string;
  readonly token: string;
  readonly issues: Map<string, FakeJiraIssue>;
  readonly comments: FakeJiraComment[];
  /** When on, every search page claims more results behind a new token (a runaway cursor). */
  setRunaway(on: boolean): void;
  /** Adds or replaces issues. */
  put(...issues: FakeJiraIssue[]): void;
  /** Changes fields of an issue by key. */
  update(key: string, patch: Partial<FakeJiraIssue>): void;
}

let nextId = 10_000;

/** A fake issue with defaults (`To Do`, category `new`, project `PROJ`). */
export function fakeJiraIssue(key: string, patch: Partial<FakeJiraIssue> = {}): FakeJiraIssue {
  nextId += 1;
  return {
    id: String(nextId),
    key,
    project: key.split("-")[0] ?? "PROJ",
    summary: `Summary of ${key}`,
    description: {
      type: "doc",
      version: 1,
      content: [{ type: "paragraph", content: [{ type: "text", text: `About ${key}` }] }],
    },
    status: "To Do",
    category: "new",
    labels: [],
    assigneeAccountId: null,
    priority: null,
    created: "2024-01-02T03:04:05.000+0000",
    updated: "2024-01-03T03:04:05.000+0000",
    blockedBy: [],
    ...patch,
  };
}

/** Parses the JQL the adapter sends: `project = "K" AND status IN ("A", …) ORDER BY …`. */
export function parseJql(jql: string): { project: string; statuses: string[] } | null {
  const literal = String.raw`"((?:[^"\\]|\\.)*)"`;
  const head = new RegExp(
    `^project = ${literal} AND status IN \\((.*)\\)( ORDER BY created ASC, key ASC)?$`,
  ).exec(jql);
  if (head === null) return null;
  const unquote = (s: string) => s.replace(/\\(.)/g, "$1");
  const statuses = [...(head[2] ?? "").matchAll(new RegExp(literal, "g"))].map((m) => unquote(m[1] ?? ""));
  return { project: unquote(head[1] ?? ""), statuses };
}

const errorBody = (message: string) => ({ errorMessages: [message], errors: {} });

/** Starts a loopback Jira Cloud REST v3 fake (search/jql, issue/bulkfetch, issue, comment, transitions). */
export async function startFakeJiraServer(
  options: { email?: string; token?: string } = {},
): Promise<FakeJiraServer> {
  const email = options.email ?? "bot@example.com";
  const token = options.token ?? "jira-token-fake-secret";
  const expected = `Basic ${Buffer.from(`${email}:${token}`).toString("base64")}`;
  const issues = new Map<string, FakeJiraIssue>();
  const comments: FakeJiraComment[] = [];
  const state = { runaway: false };
  const byIdOrKey = (ref: string) =>
    issues.get(ref.toUpperCase()) ?? [...issues.values()].find((i) => i.id === ref);

  const statusOf = (issue: FakeJiraIssue) => ({
    name: issue.status,
    ...(issue.category === null ? {} : { statusCategory: { key: issue.category, name: issue.category } }),
  });
  // issue key → the issues it blocks; rebuilt per request (the store may change between requests)
  const blocksIndex = () => {
    const index = new Map<string, FakeJiraIssue[]>();
    for (const other of issues.values()) {
      for (const key of other.blockedBy) index.set(key, [...(index.get(key) ?? []), other]);
    }
    return index;
  };
  const render = (issue: FakeJiraIssue, blocking: ReadonlyMap<string, FakeJiraIssue[]>) => {
    const links = issue.blockedBy.map((blockerKey, n) => {
      const blocker = issues.get(blockerKey);
      return {
        id: `${issue.id}${n}`,
        type: { name: "Blocks", inward: "is blocked by", outward: "blocks" },
        inwardIssue: blocker
          ? {
              id: blocker.id,
              key: blocker.key,
              fields: { summary: blocker.summary, status: statusOf(blocker) },
            }
          : { id: null, key: blockerKey, fields: {} },
      };
    });
    const blocks = (blocking.get(issue.key) ?? []).map((other) => ({
      id: `${other.id}b`,
      type: { name: "Blocks", inward: "is blocked by", outward: "blocks" },
      outwardIssue: { id: other.id, key: other.key, fields: { status: statusOf(other) } },
    }));
    return {
      id: issue.id,
      key: issue.key,
      self: `/rest/api/3/issue/${issue.id}`,
      fields: {
        summary: issue.summary,
        description: issue.description,
        status: statusOf(issue),
        priority: issue.priority === null ? null : { id: "3", name: issue.priority },
        labels: issue.labels,
        assignee: issue.assigneeAccountId === null ? null : { accountId: issue.assigneeAccountId },
        created: issue.created,
        updated: issue.updated,
        project: { id: "1", key: issue.project },
        issuelinks: [...links, ...blocks],
      },
    };
  };

  const search = (req: SeenRequest): Reply => {
    const body = (req.body ?? {}) as { jql?: unknown; maxResults?: unknown; nextPageToken?: unknown };
    const parsed = typeof body.jql === "string" ? parseJql(body.jql) : null;
    if (parsed === null) return { status: 400, body: errorBody("Error in the JQL Query") };
    const max = typeof body.maxResults === "number" ? Math.min(100, body.maxResults) : 50;
    const wanted = new Set(parsed.statuses.map((s) => s.toLowerCase()));
    const hits = [...issues.values()]
      .filter(
        (i) => i.project.toUpperCase() === parsed.project.toUpperCase() && wanted.has(i.status.toLowerCase()),
      )
      .sort(
        (a, b) =>
          (a.created < b.created ? -1 : a.created > b.created ? 1 : 0) ||
          a.key.length - b.key.length ||
          (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
      );
    let start = 0;
    if (body.nextPageToken !== undefined) {
      const m = typeof body.nextPageToken === "string" ? /^tok-(\d+)$/.exec(body.nextPageToken) : null;
      if (m === null) return { status: 400, body: errorBody("Invalid nextPageToken") };
      start = Number(m[1]);
    }
    const page = hits.slice(start, start + max);
    const index = blocksIndex();
    const isLast = !state.runaway && start + max >= hits.length;
    return {
      status: 200,
      body: {
        issues: page.map((issue) => render(issue, index)),
        isLast,
        ...(isLast ? {} : { nextPageToken: `tok-${start + max}` }),
      },
    };
  };

  const bulkfetch = (req: SeenRequest): Reply => {
    const body = (req.body ?? {}) as { issueIdsOrKeys?: unknown };
    const refs = body.issueIdsOrKeys;
    if (!Array.isArray(refs) || refs.length === 0 || refs.length > 100) {
      return { status: 400, body: errorBody("issueIdsOrKeys must list 1 to 100 issues") };
    }
    const found = [];
    const issueErrors = [];
    const index = blocksIndex();
    for (const ref of refs) {
      const issue = typeof ref === "string" ? byIdOrKey(ref) : undefined;
      if (issue === undefined) {
        issueErrors.push({
          errorMessages: ["Issue does not exist or you do not have permission to see it."],
          status: 404,
        });
      } else found.push(render(issue, index));
    }
    return { status: 200, body: { issues: found, issueErrors } };
  };

  const handle = (req: SeenRequest): Reply => {
    if (req.method === "POST" && req.path === "/rest/api/3/search/jql") return search(req);
    if (req.method === "POST" && req.path === "/rest/api/3/issue/bulkfetch") return bulkfetch(req);
    const m = /^\/rest\/api\/3\/issue\/([^/]+)(\/comment|\/transitions)?$/.exec(req.path);
    const issue = m ? byIdOrKey(decodeURIComponent(m[1] ?? "")) : undefined;
    if (m === null || issue === undefined) return { status: 404, body: errorBody("Issue does not exist") };
    if (m[2] === undefined && req.method === "GET")
      return { status: 200, body: render(issue, blocksIndex()) };
    if (m[2] === "/comment" && req.method === "POST") {
      const body = (req.body ?? {}) as { body?: unknown };
      if (body.body === undefined) return { status: 400, body: errorBody("Comment body can not be empty!") };
      comments.push({ issueKey: issue.key, body: body.body });
      return { status: 201, body: { id: String(comments.length), body: body.body } };
    }
    if (m[2] === "/transitions" && req.method === "GET") {
      return { status: 200, body: { transitions: [{ id: "31", name: "Done", to: { name: "Done" } }] } };
    }
    if (m[2] === "/transitions" && req.method === "POST") {
      const id = ((req.body ?? {}) as { transition?: { id?: unknown } }).transition?.id;
      if (id !== "31") return { status: 400, body: errorBody("Transition id is not valid") };
      issue.status = "Done";
      issue.category = "done";
      return { status: 204 };
    }
    return { status: 405, body: errorBody("Method not allowed") };
  };

  let remaining = 1000;
  const http = await startFakeHttp({
    authorized: (auth) => auth === expected,
    unauthorized: { status: 401, body: errorBody("Client must be authenticated to access this resource.") },
    handle,
    headers: () => ({ "x-ratelimit-limit": "1000", "x-ratelimit-remaining": String(--remaining) }),
  });
  return Object.assign(http, {
    setRunaway(on: boolean) {
      state.runaway = on;
    },
    email,
    token,
    issues,
    comments,
    put(...list: FakeJiraIssue[]) {
      for (const issue of list) issues.set(issue.key, issue);
    },
    update(key: string, patch: Partial<FakeJiraIssue>) {
      const issue = issues.get(key);
      if (issue === undefined) throw new Error(`no fake issue ${key}`);
      Object.assign(issue, patch);
    },
  });
}
