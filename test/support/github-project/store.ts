import { GraphQLError } from "graphql";

/** One item of the fake Project: an issue (with `number` and `repo`) or a draft issue. */
export interface FakeProjectItem {
  itemId: string;
  contentId: string;
  /** Null for a draft issue. */
  number: number | null;
  repo: string;
  title: string;
  body: string;
  /** Status option name, or null when unset. */
  status: string | null;
  /** Priority option name (single-select priority) or number (number field), or null. */
  priority: string | number | null;
  issueState: "OPEN" | "CLOSED";
  labels: string[];
  assignee: string | null;
  /** Content ids of sub-issues (items of this or no project). */
  subIssues: string[];
  archived: boolean;
  type: "ISSUE" | "DRAFT_ISSUE" | "PULL_REQUEST";
  createdAt: string;
  updatedAt: string;
}

/** A comment made through `addComment`. */
export interface FakeProjectComment {
  readonly id: string;
  readonly subjectId: string;
  readonly body: string;
}

/** A sub-issue that is not itself a project item. */
export interface FakeLooseIssue {
  readonly contentId: string;
  readonly number: number;
  readonly repo: string;
  state: "OPEN" | "CLOSED";
}

type Args = Record<string, unknown>;

/** A GitHub-shaped "could not resolve" failure (the server copies `type` to the top of the error). */
export function notFound(what: string): GraphQLError {
  return new GraphQLError(`Could not resolve to a node with the global id of '${what}'.`, {
    extensions: { type: "NOT_FOUND" },
  });
}

function page<T>(list: readonly T[], args: Args): { nodes: T[]; hasNext: boolean; end: string | null } {
  const first = typeof args.first === "number" ? args.first : 100;
  if (first > 100)
    throw new GraphQLError("Requesting more than 100 records on the connection is not allowed.");
  const start = typeof args.after === "string" ? Number(Buffer.from(args.after, "base64").toString()) : 0;
  const nodes = list.slice(start, start + first);
  const endIndex = start + nodes.length;
  return {
    nodes,
    hasNext: endIndex < list.length,
    end: nodes.length === 0 ? null : Buffer.from(String(endIndex)).toString("base64"),
  };
}

function connection<T>(list: readonly T[], args: Args) {
  const p = page(list, args);
  return { nodes: p.nodes, totalCount: list.length, pageInfo: { hasNextPage: p.hasNext, endCursor: p.end } };
}

/**
 * The fake GitHub's memory: one Project (owner login + number) with a Status and a Priority
 * single-select, items, comments, plus the root resolvers graphql-js runs the real schema on.
 */
export class FakeProjectStore {
  readonly owner: string;
  readonly number: number;
  readonly projectId = "PVT_kwDOfake0001";
  readonly statusFieldId = "PVTSSF_status";
  readonly priorityFieldId = "PVTSSF_priority";
  statusOptions = ["Todo", "In Progress", "Human Review", "Rework", "Done"];
  priorityOptions = ["P0", "P1", "P2"];
  readonly items: FakeProjectItem[] = [];
  readonly loose: FakeLooseIssue[] = [];
  readonly comments: FakeProjectComment[] = [];
  /** Status moves applied by `updateProjectV2ItemFieldValue`, in order. */
  readonly moves: { itemId: string; status: string }[] = [];
  rate = { limit: 5000, remaining: 5000, resetAt: new Date(Date.now() + 3_600_000).toISOString() };
  #seq = 0;

  constructor(owner: string, number: number) {
    this.owner = owner;
    this.number = number;
  }

  /** Adds an issue item (or a draft with `number: null`); returns it for edits. */
  add(fields: Partial<FakeProjectItem> & { readonly title: string }): FakeProjectItem {
    this.#seq += 1;
    const n = this.#seq;
    const item: FakeProjectItem = {
      itemId: `PVTI_item${n}`,
      contentId: fields.number === null ? `DI_draft${n}` : `I_issue${n}`,
      number: n,
      repo: "app",
      body: `Body of ${fields.title}`,
      status: "Todo",
      priority: null,
      issueState: "OPEN",
      labels: [],
      assignee: null,
      subIssues: [],
      archived: false,
      type: fields.number === null ? "DRAFT_ISSUE" : "ISSUE",
      createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
      updatedAt: new Date(Date.UTC(2026, 0, 2, 0, 0, n)).toISOString(),
      ...fields,
    };
    this.items.push(item);
    return item;
  }

  /** The item with this id (throws when absent: a test bug). */
  item(itemId: string): FakeProjectItem {
    const found = this.items.find((i) => i.itemId === itemId);
    if (found === undefined) throw new Error(`no fake item ${itemId}`);
    return found;
  }

  /** Root resolvers for queries and mutations. */
  root(): Record<string, unknown> {
    return {
      rateLimit: () => ({ cost: 1, ...this.rate }),
      repositoryOwner: (args: Args) => (args.login === this.owner ? this.#owner() : null),
      nodes: (args: Args) =>
        (args.ids as string[]).map((id) => {
          const item = this.items.find((i) => i.itemId === id);
          return item === undefined ? Promise.reject(notFound(id)) : this.#item(item);
        }),
      updateProjectV2ItemFieldValue: (args: Args) => this.#move(args.input as Args),
      addComment: (args: Args) => this.#comment(args.input as Args),
    };
  }

  #owner() {
    return {
      __typename: "Organization",
      login: this.owner,
      projectV2: (args: Args) => (args.number === this.number ? this.#project() : null),
    };
  }

  #singleSelect(id: string, name: string, options: readonly string[]) {
    return {
      __typename: "ProjectV2SingleSelectField",
      id,
      name,
      options: options.map((o) => ({ id: `${id}_${o}`, name: o })),
    };
  }

  #project() {
    return {
      __typename: "ProjectV2",
      id: this.projectId,
      field: (args: Args) =>
        args.name === "Status"
          ? this.#singleSelect(this.statusFieldId, "Status", this.statusOptions)
          : args.name === "Priority"
            ? this.#singleSelect(this.priorityFieldId, "Priority", this.priorityOptions)
            : null,
      items: (args: Args) =>
        connection(
          this.items.map((i) => this.#item(i)),
          args,
        ),
    };
  }

  #item(item: FakeProjectItem) {
    const select = (fieldId: string, value: string | null) =>
      value === null
        ? null
        : { __typename: "ProjectV2ItemFieldSingleSelectValue", name: value, optionId: `${fieldId}_${value}` };
    return {
      __typename: "ProjectV2Item",
      id: item.itemId,
      type: item.type,
      isArchived: item.archived,
      createdAt: item.createdAt,
      updatedAt: item.updatedAt,
      project: () => this.#project(),
      fieldValueByName: (args: Args) => {
        if (args.name === "Status") return select(this.statusFieldId, item.status);
        if (args.name !== "Priority" || item.priority === null) return null;
        return typeof item.priority === "number"
          ? { __typename: "ProjectV2ItemFieldNumberValue", number: item.priority }
          : select(this.priorityFieldId, item.priority);
      },
      content: () => this.#content(item),
    };
  }

  #content(item: FakeProjectItem) {
    const assignees = () =>
      connection(item.assignee === null ? [] : [{ login: item.assignee }], { first: 1 });
    if (item.type === "DRAFT_ISSUE") {
      return {
        __typename: "DraftIssue",
        id: item.contentId,
        title: item.title,
        body: item.body,
        createdAt: item.createdAt,
        updatedAt: item.updatedAt,
        assignees,
      };
    }
    return {
      __typename: item.type === "PULL_REQUEST" ? "PullRequest" : "Issue",
      id: item.contentId,
      number: item.number,
      title: item.title,
      body: item.body,
      url: `https://github.com/${this.owner}/${item.repo}/issues/${item.number}`,
      state: item.issueState,
      createdAt: item.createdAt,
      updatedAt: item.updatedAt,
      repository: { name: item.repo, nameWithOwner: `${this.owner}/${item.repo}` },
      assignees,
      labels: (args: Args) =>
        connection(
          item.labels.map((name) => ({ name })),
          args,
        ),
      subIssues: (args: Args) =>
        connection(
          item.subIssues.map((id) => this.#subIssue(id)),
          args,
        ),
    };
  }

  #subIssue(contentId: string) {
    const item = this.items.find((i) => i.contentId === contentId);
    const loose = this.loose.find((i) => i.contentId === contentId);
    if (item !== undefined)
      return { id: contentId, number: item.number, state: item.issueState, repository: { name: item.repo } };
    if (loose !== undefined)
      return { id: contentId, number: loose.number, state: loose.state, repository: { name: loose.repo } };
    throw new Error(`no sub-issue ${contentId}`);
  }

  #move(input: Args) {
    if (input.projectId !== this.projectId) throw notFound(String(input.projectId));
    const item = this.items.find((i) => i.itemId === input.itemId);
    if (item === undefined) throw notFound(String(input.itemId));
    if (input.fieldId !== this.statusFieldId)
      throw new GraphQLError("The field is not a status field of this fake");
    const value = (input.value as Args).singleSelectOptionId;
    const option = this.statusOptions.find((o) => `${this.statusFieldId}_${o}` === value);
    if (option === undefined)
      throw new GraphQLError(`The single select option Id does not belong to the field`);
    item.status = option;
    item.updatedAt = new Date().toISOString();
    this.moves.push({ itemId: item.itemId, status: option });
    return { projectV2Item: this.#item(item) };
  }

  #comment(input: Args) {
    const subject = this.items.find((i) => i.contentId === input.subjectId && i.type === "ISSUE");
    if (subject === undefined) throw notFound(String(input.subjectId));
    const comment = {
      id: `IC_${this.comments.length + 1}`,
      subjectId: subject.contentId,
      body: String(input.body),
    };
    this.comments.push(comment);
    const url = `https://github.com/${this.owner}/${subject.repo}/issues/${subject.number}#issuecomment-${this.comments.length}`;
    return { commentEdge: { node: { id: comment.id, url } }, subject: null };
  }
}
