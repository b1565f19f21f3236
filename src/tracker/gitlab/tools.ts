import type { AgentToolSpec } from "../../domain/agent-event.js";
import { type RestToolOptions, restToolSpec } from "../rest/tool.js";

/**
 * `gitlab_api` options for one project: paths must stay under `/projects/<url-encoded path>`, or under
 * `/projects/<numeric id>` when that id is the worked issue's own project.
 */
export function gitlabToolOptions(projectPath: string): RestToolOptions {
  const encoded = `/projects/${encodeURIComponent(projectPath)}`;
  const prefix = encoded.toLowerCase();
  // the project itself may be read, never edited or deleted; everything below it is in scope
  const inside = (pathname: string, method: string, root: string) =>
    (pathname === root && method === "GET") || pathname.startsWith(`${root}/`);
  return {
    name: "gitlab_api",
    provider: "GitLab",
    methods: ["GET", "POST", "PUT", "DELETE"],
    queryKey: "query",
    scopeHint: `${encoded}/...`,
    checkScope: (pathname, method, context) => {
      if (inside(pathname.toLowerCase(), method, prefix)) return null;
      const projectId = context.issue.nativeRef?.project_id;
      if (typeof projectId === "number" && inside(pathname, method, `/projects/${projectId}`)) return null;
      return `\`path\` must stay inside the configured project (${encoded}/...; only GET on the project itself)`;
    },
  };
}

/** The `gitlab_api` tool spec advertised to agents. */
export function gitlabToolSpec(projectPath: string): AgentToolSpec {
  const root = `/projects/${encodeURIComponent(projectPath)}`;
  return restToolSpec(
    gitlabToolOptions(projectPath),
    `Call the GitLab REST API (v4) for the project ${projectPath} with Symphony's credentials. ` +
      `Paths start with ${root} (the project path URL-encoded), e.g. GET ${root}/issues/12, ` +
      `POST ${root}/issues/12/notes with body {"body": "..."}, PUT ${root}/issues/12 with ` +
      '{"state_event": "close"} or {"add_labels": "x"}. Returns {"status": <HTTP status>, "body": <JSON>}; ' +
      "success is a 2xx status.",
  );
}
