/**
 * Every GraphQL document the GitHub Projects adapter sends on its own (the `github_graphql` tool sends
 * the agent's). Each is validated against GitHub's public schema in
 * `test/tracker/github-project/queries.test.ts` and executed on it by the loopback fake.
 */

const RATE_LIMIT = "rateLimit { cost remaining resetAt limit }";

/** The item fields the adapter normalises; nested lists report truncation via `pageInfo`. */
const ITEM_FIELDS = `
fragment SymphonyProjectItem on ProjectV2Item {
  id
  type
  isArchived
  createdAt
  updatedAt
  project { id }
  status: fieldValueByName(name: $statusField) {
    ... on ProjectV2ItemFieldSingleSelectValue { name optionId }
  }
  priority: fieldValueByName(name: $priorityField) {
    ... on ProjectV2ItemFieldSingleSelectValue { name optionId }
    ... on ProjectV2ItemFieldNumberValue { number }
  }
  content {
    ... on DraftIssue {
      id
      title
      body
      createdAt
      updatedAt
      assignees(first: 1) { nodes { login } }
    }
    ... on Issue {
      id
      number
      title
      body
      url
      state
      createdAt
      updatedAt
      repository { name nameWithOwner }
      assignees(first: 1) { nodes { login } }
      labels(first: $labelFirst) { nodes { name } pageInfo { hasNextPage } }
      subIssues(first: $blockerFirst) {
        nodes { id number state repository { name } }
        pageInfo { hasNextPage }
      }
    }
  }
}`;

/** The project's fields Symphony maps (status options for moves, priority options for ranking). */
const PROJECT_FIELDS = `
fragment SymphonyProjectFields on ProjectV2 {
  id
  statusField: field(name: $statusField) {
    ... on ProjectV2SingleSelectField { id name options { id name } }
  }
  priorityField: field(name: $priorityField) {
    ... on ProjectV2SingleSelectField { id name options { id name } }
    ... on ProjectV2Field { id name dataType }
  }
}`;

/** One cursor page of a Project's items, with the project's field definitions. */
export const ITEMS_QUERY = `
query SymphonyGithubProjectItems(
  $login: String!
  $number: Int!
  $first: Int!
  $after: String
  $statusField: String!
  $priorityField: String!
  $labelFirst: Int!
  $blockerFirst: Int!
) {
  ${RATE_LIMIT}
  repositoryOwner(login: $login) {
    ... on ProjectV2Owner {
      projectV2(number: $number) {
        ...SymphonyProjectFields
        items(first: $first, after: $after) {
          nodes { ...SymphonyProjectItem }
          pageInfo { hasNextPage endCursor }
        }
      }
    }
  }
}
${PROJECT_FIELDS}
${ITEM_FIELDS}`;

/** Project items by node id (the adapter's issue ids); ids GitHub cannot resolve come back null. */
export const ITEMS_BY_ID_QUERY = `
query SymphonyGithubProjectItemsById(
  $ids: [ID!]!
  $statusField: String!
  $priorityField: String!
  $labelFirst: Int!
  $blockerFirst: Int!
) {
  ${RATE_LIMIT}
  nodes(ids: $ids) { ...SymphonyProjectItem }
}
${ITEM_FIELDS}`;

/** The project's id and mapped fields alone (before a status move). */
export const PROJECT_FIELDS_QUERY = `
query SymphonyGithubProjectFields($login: String!, $number: Int!, $statusField: String!, $priorityField: String!) {
  ${RATE_LIMIT}
  repositoryOwner(login: $login) {
    ... on ProjectV2Owner { projectV2(number: $number) { ...SymphonyProjectFields } }
  }
}
${PROJECT_FIELDS}`;

/** Sets an item's Status (a single-select option). */
export const MOVE_MUTATION = `
mutation SymphonyGithubProjectMove($projectId: ID!, $itemId: ID!, $fieldId: ID!, $optionId: String!) {
  updateProjectV2ItemFieldValue(
    input: { projectId: $projectId, itemId: $itemId, fieldId: $fieldId, value: { singleSelectOptionId: $optionId } }
  ) {
    projectV2Item { id }
  }
}`;

/** Comments on an issue (by the node id). */
export const COMMENT_MUTATION = `
mutation SymphonyGithubProjectComment($subjectId: ID!, $body: String!) {
  addComment(input: { subjectId: $subjectId, body: $body }) {
    commentEdge { node { id url } }
  }
}`;

/** Every document above with its operation name (the schema test iterates this list). */
export const ADAPTER_DOCUMENTS: readonly { readonly operationName: string; readonly query: string }[] = [
  { operationName: "SymphonyGithubProjectItems", query: ITEMS_QUERY },
  { operationName: "SymphonyGithubProjectItemsById", query: ITEMS_BY_ID_QUERY },
  { operationName: "SymphonyGithubProjectFields", query: PROJECT_FIELDS_QUERY },
  { operationName: "SymphonyGithubProjectMove", query: MOVE_MUTATION },
  { operationName: "SymphonyGithubProjectComment", query: COMMENT_MUTATION },
];

/** Labels read per issue. */
export const LABEL_PAGE_SIZE = 50;
/** Sub-issues read per issue; more than this makes a `Todo` issue's blockers unknown. */
export const BLOCKER_PAGE_SIZE = 50;
