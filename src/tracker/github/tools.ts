import type { AgentToolSpec } from "../../domain/agent-event.js";
import { type RestToolOptions, restToolSpec } from "../rest/tool.js";

/** `github_api` options for one repository: paths must stay under `/repos/<owner>/<repo>`. */
export function githubToolOptions(owner: string, repo: string): RestToolOptions {
  const prefix = `/repos/${owner}/${repo}`.toLowerCase();
  return {
    name: "github_api",
    provider: "GitHub",
    methods: ["GET", "POST", "PATCH", "PUT", "DELETE"],
    queryKey: "params",
    scopeHint: `/repos/${owner}/${repo}/...`,
    checkScope: (pathname, method) => {
      // GitHub owner and repository names are case-insensitive
      const lower = pathname.toLowerCase();
      // the repository itself may be read, never renamed, archived or deleted
      if (lower === prefix)
        return method === "GET" ? null : `only GET is allowed on /repos/${owner}/${repo} itself`;
      if (lower.startsWith(`${prefix}/`)) return null;
      return `\`path\` must stay inside the configured repository: /repos/${owner}/${repo}/...`;
    },
  };
}

/** The `github_api` tool spec advertised to agents. */
export function githubToolSpec(owner: string, repo: string): AgentToolSpec {
  return restToolSpec(
    githubToolOptions(owner, repo),
    `Call the GitHub REST API (v3) for the repository ${owner}/${repo} with Symphony's credentials. ` +
      `Paths start with /repos/${owner}/${repo} (e.g. GET /repos/${owner}/${repo}/issues/12, ` +
      `POST /repos/${owner}/${repo}/issues/12/comments with body {"body": "..."}, ` +
      `PATCH /repos/${owner}/${repo}/issues/12 with {"state": "closed"}). ` +
      'Returns {"status": <HTTP status>, "body": <JSON>}; success is a 2xx status.',
  );
}
