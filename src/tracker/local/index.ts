export { createLocalTracker, LocalTracker } from "./adapter.js";
export type { IssueRecord } from "./issue-file.js";
export { parseIssueFile, splitFrontMatter } from "./issue-file.js";
export { localKind } from "./kind.js";
export type { MalformedFile } from "./store.js";
export { isValidIdentifier, LocalIssueStore } from "./store.js";
export { executeUpdateIssue, UPDATE_ISSUE_TOOL } from "./tools.js";
