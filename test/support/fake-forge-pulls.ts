import type { IncomingMessage } from "node:http";
import {
  type FakeRestServer,
  type RouteReply,
  type SeenRequest,
  startFakeRestServer,
} from "./fake-rest-server.js";

/** A pull (GitHub) or merge (GitLab) request the fake holds. */
export interface FakePull {
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  state: "open" | "closed" | "merged";
}

/** A fake forge that only knows pull/merge requests of one repository. */
export interface FakeForgePulls extends FakeRestServer {
  readonly pulls: FakePull[];
}

/** GitHub's `/repos/{o}/{r}/pulls` (list by head, create, update); bearer token auth. */
export async function startFakeGithubPulls(repo: string, token: string): Promise<FakeForgePulls> {
  const pulls: FakePull[] = [];
  const root = `/repos/${repo}/pulls`;
  const json = (p: FakePull) => ({
    number: p.number,
    title: p.title,
    body: p.body,
    state: p.state === "open" ? "open" : "closed",
    merged: p.state === "merged",
    head: { ref: p.head },
    base: { ref: p.base },
    html_url: `https://github.com/${repo}/pull/${p.number}`,
  });
  const router = (req: SeenRequest): RouteReply | null => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (req.path === root && req.method === "GET") {
      const head = req.query.get("head")?.split(":")[1];
      const state = req.query.get("state") ?? "open";
      return {
        status: 200,
        body: pulls.filter((p) => p.head === head && (state === "all" || p.state === state)).map(json),
      };
    }
    if (req.path === root && req.method === "POST") {
      if (pulls.some((p) => p.head === body.head && p.state === "open")) {
        return {
          status: 422,
          body: { message: "Validation Failed", errors: [{ message: "A pull request already exists" }] },
        };
      }
      const pull: FakePull = {
        number: pulls.length + 1,
        title: String(body.title),
        body: String(body.body ?? ""),
        head: String(body.head),
        base: String(body.base),
        state: "open",
      };
      pulls.push(pull);
      return { status: 201, body: json(pull) };
    }
    const one = new RegExp(`^${root}/(\\d+)$`).exec(req.path);
    const pull = one === null ? undefined : pulls.find((p) => p.number === Number(one[1]));
    if (pull !== undefined && req.method === "PATCH") {
      if (typeof body.title === "string") pull.title = body.title;
      if (typeof body.body === "string") pull.body = body.body;
      return { status: 200, body: json(pull) };
    }
    return null;
  };
  const authorised = (h: IncomingMessage["headers"]) =>
    h.authorization === `Bearer ${token}` && typeof h["user-agent"] === "string";
  const server = await startFakeRestServer(router, authorised, { message: "Bad credentials" });
  return { ...server, pulls };
}

/** GitLab's `/projects/:id/merge_requests` (list by source branch, create, update); PRIVATE-TOKEN auth. */
export async function startFakeGitlabMergeRequests(project: string, token: string): Promise<FakeForgePulls> {
  const pulls: FakePull[] = [];
  const root = `/projects/${encodeURIComponent(project)}/merge_requests`;
  const json = (p: FakePull) => ({
    iid: p.number,
    title: p.title,
    description: p.body,
    source_branch: p.head,
    target_branch: p.base,
    state: p.state === "open" ? "opened" : p.state,
    web_url: `https://gitlab.example/${project}/-/merge_requests/${p.number}`,
  });
  const router = (req: SeenRequest): RouteReply | null => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    // node's URL keeps %2F encoded in pathname, as GitLab expects the project path
    if (req.path === root && req.method === "GET") {
      const source = req.query.get("source_branch");
      return { status: 200, body: pulls.filter((p) => p.head === source && p.state === "open").map(json) };
    }
    if (req.path === root && req.method === "POST") {
      const pull: FakePull = {
        number: pulls.length + 1,
        title: String(body.title),
        body: String(body.description ?? ""),
        head: String(body.source_branch),
        base: String(body.target_branch),
        state: "open",
      };
      pulls.push(pull);
      return { status: 201, body: json(pull) };
    }
    const one = /\/merge_requests\/(\d+)$/.exec(req.path);
    const pull = one === null ? undefined : pulls.find((p) => p.number === Number(one[1]));
    if (pull !== undefined && req.method === "PUT" && req.path.startsWith(root)) {
      if (typeof body.title === "string") pull.title = body.title;
      if (typeof body.description === "string") pull.body = body.description;
      return { status: 200, body: json(pull) };
    }
    return null;
  };
  const server = await startFakeRestServer(router, (h) => h["private-token"] === token, {
    message: "401 Unauthorized",
  });
  return { ...server, pulls };
}
