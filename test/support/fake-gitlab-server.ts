import type { IncomingMessage } from "node:http";
import {
  type FakeRestServer,
  pageOf,
  type RouteReply,
  type SeenRequest,
  startFakeRestServer,
} from "./fake-rest-server.js";

/** A GitLab REST v4 issue as the fake stores it (the API's own field names). */
export interface GitlabIssueJson {
  id: number;
  iid: number;
  project_id: number;
  title: string;
  description: string | null;
  state: "opened" | "closed";
  web_url: string;
  labels: string[];
  assignees: { id: number; username: string }[];
  references: { short: string; relative: string; full: string };
  created_at: string;
  updated_at: string;
  notes: string[];
}

/** A GitLab issue note as the fake serves it (the API's own field names). */
export interface GitlabNoteJson {
  id: number;
  body: string;
  author: { username: string; bot: boolean };
  system: boolean;
  created_at: string;
}

/** The fake GitLab: one project's issues, `PRIVATE-TOKEN` auth, `x-next-page` paging, `RateLimit-*` headers. */
export interface FakeGitlabServer extends FakeRestServer {
  readonly issues: Map<number, GitlabIssueJson | Record<string, unknown>>;
  readonly projectId: number;
  /** Every note on each issue iid with its author (Symphony's token posts as `symphony-app`). */
  readonly thread: Map<number, GitlabNoteJson[]>;
  /** Adds a note as another account (a person answering, or a bot account), or a system note. */
  note(
    iid: number,
    username: string,
    body: string,
    extra?: { bot?: boolean; system?: boolean },
  ): GitlabNoteJson;
  /** Adds an issue with defaults filled in; returns it for further edits. */
  add(fields: Partial<GitlabIssueJson> & { iid: number }): GitlabIssueJson;
}

const PROJECT_ID = 4242;

/** Starts the fake GitLab API (`/api/v4`) for `projectPath`, accepting `PRIVATE-TOKEN: <token>`. */
export async function startFakeGitlabServer(projectPath: string, token: string): Promise<FakeGitlabServer> {
  const issues = new Map<number, GitlabIssueJson | Record<string, unknown>>();
  const thread = new Map<number, GitlabNoteJson[]>();
  let noteSeq = 0;
  const addNote = (
    iid: number,
    username: string,
    body: string,
    bot = false,
    system = false,
  ): GitlabNoteJson => {
    noteSeq += 1;
    const stamp = new Date(Date.UTC(2026, 0, 1) + noteSeq * 1000).toISOString();
    const note: GitlabNoteJson = {
      id: 7000 + noteSeq,
      body,
      author: { username, bot },
      system,
      created_at: stamp,
    };
    thread.set(iid, [...(thread.get(iid) ?? []), note]);
    return note;
  };
  const limits = {
    "ratelimit-limit": "2000",
    "ratelimit-remaining": "1999",
    "ratelimit-observed": "1",
    "ratelimit-reset": "1900000000",
  };
  const reply = (status: number, body: unknown, headers: Record<string, string> = {}): RouteReply => ({
    status,
    body,
    headers: { ...limits, ...headers },
  });
  const sorted = () => [...issues.values()].sort((a, b) => Number(a.iid) - Number(b.iid));

  const list = (req: SeenRequest): RouteReply => {
    const state = req.query.get("state") ?? "all";
    const perPage = Math.min(Number(req.query.get("per_page") ?? "20"), 100);
    const page = Number(req.query.get("page") ?? "1");
    const iids = req.query.getAll("iids[]").map(Number);
    const all = sorted().filter(
      (i) => (state === "all" || i.state === state) && (iids.length === 0 || iids.includes(Number(i.iid))),
    );
    const totalPages = Math.max(1, Math.ceil(all.length / perPage));
    return reply(200, pageOf(all, page, perPage), {
      "x-page": String(page),
      "x-per-page": String(perPage),
      "x-total": String(all.length),
      "x-total-pages": String(totalPages),
      "x-next-page": page < totalPages ? String(page + 1) : "",
      "x-prev-page": page > 1 ? String(page - 1) : "",
    });
  };

  const issueRoute = (req: SeenRequest, iid: number, rest: string): RouteReply | null => {
    const issue = issues.get(iid) as GitlabIssueJson | undefined;
    if (issue === undefined) return reply(404, { message: "404 Not found" });
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (rest === "" && req.method === "GET") return reply(200, issue);
    if (rest === "" && req.method === "PUT") {
      if (body.state_event === "close") issue.state = "closed";
      if (body.state_event === "reopen") issue.state = "opened";
      const names = (v: unknown) => (typeof v === "string" ? v.split(",").map((s) => s.trim()) : []);
      if (body.labels !== undefined) issue.labels = names(body.labels);
      for (const l of names(body.add_labels)) if (!issue.labels.includes(l)) issue.labels.push(l);
      const remove = names(body.remove_labels);
      issue.labels = issue.labels.filter((l) => !remove.includes(l));
      return reply(200, issue);
    }
    if (rest === "/notes" && req.method === "POST") {
      if (typeof body.body !== "string") return reply(400, { message: "400 Bad request - body is missing" });
      issue.notes.push(body.body);
      addNote(issue.iid, "symphony-app", body.body);
      return reply(201, { id: issue.notes.length, body: body.body });
    }
    if (rest === "/notes" && req.method === "GET") return reply(200, thread.get(issue.iid) ?? []);
    return null;
  };

  const router = (req: SeenRequest): RouteReply | null => {
    // the project is addressed by its URL-encoded path or its numeric id (the fake sees the raw path)
    const match = /^\/api\/v4\/projects\/([^/]+)(\/issues(?:\/(\d+))?(\/.*)?)?$/.exec(req.path);
    if (match === null) return null;
    const id = decodeURIComponent(match[1] ?? "");
    if (id !== projectPath && id !== String(PROJECT_ID))
      return reply(404, { message: "404 Project Not Found" });
    if (match[2] === undefined)
      return req.method === "GET" ? reply(200, { id: PROJECT_ID, path_with_namespace: projectPath }) : null;
    if (match[3] === undefined) return match[4] === undefined && req.method === "GET" ? list(req) : null;
    return issueRoute(req, Number(match[3]), match[4] ?? "");
  };
  const authorised = (headers: IncomingMessage["headers"]) => headers["private-token"] === token;
  const server = await startFakeRestServer(router, authorised, { message: "401 Unauthorized" });

  return {
    ...server,
    issues,
    thread,
    note: (iid, username, body, extra = {}) => addNote(iid, username, body, extra.bot, extra.system),
    projectId: PROJECT_ID,
    add(fields) {
      const stamp = "2026-01-01T00:00:00Z";
      const issue: GitlabIssueJson = {
        id: 9000 + fields.iid,
        project_id: PROJECT_ID,
        title: `Issue ${fields.iid}`,
        description: null,
        state: "opened",
        web_url: `https://gitlab.example/${projectPath}/-/issues/${fields.iid}`,
        labels: [],
        assignees: [],
        references: {
          short: `#${fields.iid}`,
          relative: `#${fields.iid}`,
          full: `${projectPath}#${fields.iid}`,
        },
        created_at: stamp,
        updated_at: stamp,
        notes: [],
        ...fields,
      };
      issues.set(fields.iid, issue);
      return issue;
    },
  };
}
