/**
 * Every GraphQL document the Linear adapter sends on its own (the `linear_graphql` tool sends the
 * agent's documents). Each one is validated against Linear's real schema in
 * `test/tracker/linear/queries.test.ts`, so a field or argument Linear does not have fails the build.
 */

/** The issue fields the adapter normalises; nested connections report truncation via `pageInfo`. */
const ISSUE_FIELDS = `
fragment SymphonyLinearIssueFields on Issue {
  id
  identifier
  title
  description
  priority
  branchName
  url
  createdAt
  updatedAt
  state { name }
  assignee { id }
  labels(first: $labelFirst) { nodes { name } pageInfo { hasNextPage } }
  inverseRelations(first: $relationFirst) {
    nodes { type issue { id identifier state { name } } }
    pageInfo { hasNextPage }
  }
}`;

/**
 * Issues of one project (by `slugId`) in some states; one cursor page. `$stateFilter` is an `or` of
 * `name: {eqIgnoreCase}` so configured names match Linear's case-insensitively (spec 4.2).
 */
export const POLL_QUERY = `
query SymphonyLinearPoll(
  $projectSlug: String!
  $stateFilter: WorkflowStateFilter!
  $first: Int!
  $after: String
  $labelFirst: Int!
  $relationFirst: Int!
) {
  issues(
    filter: { project: { slugId: { eq: $projectSlug } }, state: $stateFilter }
    first: $first
    after: $after
    orderBy: createdAt
  ) {
    nodes { ...SymphonyLinearIssueFields }
    pageInfo { hasNextPage endCursor }
  }
}
${ISSUE_FIELDS}`;

/** Issues with the given ids, still scoped to the project; one cursor page of one id batch. */
export const ISSUES_BY_ID_QUERY = `
query SymphonyLinearIssuesById(
  $projectSlug: String!
  $ids: [ID!]!
  $first: Int!
  $after: String
  $labelFirst: Int!
  $relationFirst: Int!
) {
  issues(
    filter: { id: { in: $ids }, project: { slugId: { eq: $projectSlug } } }
    first: $first
    after: $after
    orderBy: createdAt
  ) {
    nodes { ...SymphonyLinearIssueFields }
    pageInfo { hasNextPage endCursor }
  }
}
${ISSUE_FIELDS}`;

/** The authenticated user, to resolve `assignee: me`. */
export const VIEWER_QUERY = `
query SymphonyLinearViewer {
  viewer { id }
}`;

/** Every document above with its operation name (the test iterates this list). */
export const ADAPTER_QUERIES: readonly { readonly operationName: string; readonly query: string }[] = [
  { operationName: "SymphonyLinearPoll", query: POLL_QUERY },
  { operationName: "SymphonyLinearIssuesById", query: ISSUES_BY_ID_QUERY },
  { operationName: "SymphonyLinearViewer", query: VIEWER_QUERY },
];

/** Labels read per issue; more than this marks the label list as truncated. */
export const LABEL_PAGE_SIZE = 50;

/** Inverse relations read per issue; more than this makes blockers unknown. */
export const RELATION_PAGE_SIZE = 50;
