import type { IncomingMessage } from "node:http";
import {
  type FakeRestServer,
  pageOf,
  type RouteReply,
  type SeenRequest,
  startFakeRestServer,
} from "./fake-rest-server.js";

/** A GitHub REST issue as the fake stores it (the API's own field names). */
export interface GithubIssueJson {
  id: number;
  node_id: string;
  number: number;
  title: string;
  body: string | null;
  state: "open" | "closed";
  html_url: string;
  labels: { name: string }[];
  assignee: { login: string } | null;
  pull_request?: { url: string };
  created_at: string;
  updated_at: string;
  comments: string[];
}

/** A GitHub issue comment as the fake serves it (the API's own field names). */
export interface GithubCommentJson {
  id: number;
  body: string;
  user: { login: string; type: "User" | "Bot" };
  created_at: string;
}

/** The fake GitHub: one repository's issues, bearer-token auth, `Link` paging, `x-ratelimit-*` headers. */
export interface FakeGithubServer extends FakeRestServer {
  readonly issues: Map<number, GithubIssueJson | Record<string, unknown>>;
  /** Every comment on each issue number with its author (Symphony's token posts as `symphony-app`). */
  readonly thread: Map<number, GithubCommentJson[]>;
  /** Adds a comment as another account (a person answering, or a bot with `type: "Bot"`). */
  comment(number: number, login: string, body: string, type?: "User" | "Bot"): GithubCommentJson;
  /** Adds an issue with defaults filled in; returns it for further edits. */
  add(fields: Partial<GithubIssueJson> & { number: number }): GithubIssueJson;
}

/** Starts the fake GitHub API for `owner/repo`, accepting `Authorization: Bearer <token>`. */
export async function startFakeGithubServer(
  owner: string,
  repo: string,
  token: string,
): Promise<FakeGithubServer> {
  const issues = new Map<number, GithubIssueJson | Record<string, unknown>>();
  const thread = new Map<number, GithubCommentJson[]>();
  let commentSeq = 0;
  const addComment = (n: number, login: string, body: string, type: "User" | "Bot"): GithubCommentJson => {
    commentSeq += 1;
    const stamp = new Date(Date.UTC(2026, 0, 1) + commentSeq * 1000).toISOString();
    const comment: GithubCommentJson = {
      id: 5000 + commentSeq,
      body,
      user: { login, type },
      created_at: stamp,
    };
    thread.set(n, [...(thread.get(n) ?? []), comment]);
    return comment;
  };
  const root = `/repos/${owner}/${repo}`;
  const limits = {
    "x-ratelimit-limit": "5000",
    "x-ratelimit-remaining": "4999",
    "x-ratelimit-reset": "1900000000",
    "x-ratelimit-used": "1",
    "x-ratelimit-resource": "core",
  };
  const reply = (status: number, body: unknown, headers: Record<string, string> = {}): RouteReply => ({
    status,
    body,
    headers: { ...limits, ...headers },
  });

  const list = (req: SeenRequest, baseUrl: string): RouteReply => {
    const state = req.query.get("state") ?? "open";
    const perPage = Math.min(Number(req.query.get("per_page") ?? "30"), 100);
    const page = Number(req.query.get("page") ?? "1");
    const all = [...issues.values()]
      .filter((i) => state === "all" || i.state === state)
      .sort((a, b) => Number(a.number) - Number(b.number));
    const lastPage = Math.max(1, Math.ceil(all.length / perPage));
    const links: string[] = [];
    const at = (p: number) => {
      const q = new URLSearchParams(req.query);
      q.set("page", String(p));
      return `<${baseUrl}${req.path}?${q}>`;
    };
    if (page < lastPage) links.push(`${at(page + 1)}; rel="next"`, `${at(lastPage)}; rel="last"`);
    return reply(200, pageOf(all, page, perPage), links.length > 0 ? { link: links.join(", ") } : {});
  };

  const issueRoute = (req: SeenRequest, n: number, rest: string): RouteReply | null => {
    const issue = issues.get(n) as GithubIssueJson | undefined;
    if (issue === undefined) return reply(404, { message: "Not Found" });
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (rest === "" && req.method === "GET") return reply(200, issue);
    if (rest === "" && req.method === "PATCH") {
      if (body.state === "open" || body.state === "closed") issue.state = body.state;
      if (typeof body.title === "string") issue.title = body.title;
      if (Array.isArray(body.labels)) issue.labels = body.labels.map((name) => ({ name: String(name) }));
      issue.updated_at = new Date().toISOString();
      return reply(200, issue);
    }
    if (rest === "/comments" && req.method === "POST") {
      if (typeof body.body !== "string") return reply(422, { message: "Validation Failed" });
      issue.comments.push(body.body);
      addComment(n, "symphony-app", body.body, "User");
      return reply(201, { id: issue.comments.length, body: body.body });
    }
    if (rest === "/comments" && req.method === "GET") return reply(200, thread.get(n) ?? []);
    if (rest === "/labels" && req.method === "POST" && Array.isArray(body.labels)) {
      for (const name of body.labels)
        if (!issue.labels.some((l) => l.name === name)) issue.labels.push({ name: String(name) });
      return reply(200, issue.labels);
    }
    const label = /^\/labels\/(.+)$/.exec(rest);
    if (label?.[1] !== undefined && req.method === "DELETE") {
      const name = decodeURIComponent(label[1]);
      issue.labels = issue.labels.filter((l) => l.name !== name);
      return reply(200, issue.labels);
    }
    return null;
  };

  const router = (req: SeenRequest, baseUrl: string): RouteReply | null => {
    // GitHub owner and repository names are case-insensitive
    if (req.path.toLowerCase() === `${root}/issues`.toLowerCase() && req.method === "GET")
      return list(req, baseUrl);
    const match = new RegExp(`^${root}/issues/(\\d+)(/.*)?$`, "i").exec(req.path);
    if (match !== null) return issueRoute(req, Number(match[1]), match[2] ?? "");
    return null;
  };
  const authorised = (headers: IncomingMessage["headers"]) =>
    headers.authorization === `Bearer ${token}` && typeof headers["user-agent"] === "string";
  const server = await startFakeRestServer(router, authorised, { message: "Bad credentials" });

  return {
    ...server,
    issues,
    thread,
    comment: (number, login, body, type = "User") => addComment(number, login, body, type),
    add(fields) {
      const stamp = "2026-01-01T00:00:00Z";
      const issue: GithubIssueJson = {
        id: 1000 + fields.number,
        node_id: `I_node${fields.number}`,
        title: `Issue ${fields.number}`,
        body: null,
        state: "open",
        html_url: `https://github.com/${owner}/${repo}/issues/${fields.number}`,
        labels: [],
        assignee: null,
        created_at: stamp,
        updated_at: stamp,
        comments: [],
        ...fields,
      };
      issues.set(fields.number, issue);
      return issue;
    },
  };
}
