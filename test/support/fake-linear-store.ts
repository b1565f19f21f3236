import { GraphQLError } from "graphql";

/** One issue in the fake Linear's memory, in the fake's own flat shape. */
export interface FakeLinearIssue {
  id: string;
  identifier: string;
  title: string;
  description: string | null;
  /** Linear's Float priority (0 = none, 1 = urgent … 4 = low). */
  priority: number;
  stateName: string;
  projectSlug: string;
  assigneeId: string | null;
  labels: string[];
  /** Ids of issues that block this one (stored as `blocks` relations from them to this issue). */
  blockedBy: string[];
  /** Ids of issues merely related to this one (relation type `related`). */
  relatedTo: string[];
  createdAt: string;
  updatedAt: string;
  /** Bypasses the schema's value for a field (to script malformed nodes); null forces a GraphQL null. */
  overrides?: Record<string, unknown>;
}

/** A comment created through `commentCreate`. */
export interface FakeLinearComment {
  readonly id: string;
  readonly issueId: string;
  readonly body: string;
}

/** The fixed workflow states of the fake's single team. */
export const FAKE_STATES: readonly { readonly id: string; readonly name: string; readonly type: string }[] = [
  { id: "state-backlog", name: "Backlog", type: "backlog" },
  { id: "state-todo", name: "Todo", type: "unstarted" },
  { id: "state-in-progress", name: "In Progress", type: "started" },
  { id: "state-human-review", name: "Human Review", type: "started" },
  { id: "state-done", name: "Done", type: "completed" },
  { id: "state-canceled", name: "Canceled", type: "canceled" },
  { id: "state-duplicate", name: "Duplicate", type: "duplicate" },
];

const MAX_PAGE = 250;
type Args = Record<string, unknown>;
type Obj = Record<string, unknown>;

function unsupported(what: string): never {
  throw new GraphQLError(`fake Linear does not support ${what}`);
}

/** Applies a StringComparator / IDComparator subset (`eq`, `in`, `neq`, `nin`). */
function compare(value: string | null, comparator: unknown, path: string): boolean {
  if (typeof comparator !== "object" || comparator === null) return unsupported(`filter ${path}`);
  for (const [op, operand] of Object.entries(comparator)) {
    const ok =
      op === "eq"
        ? value === operand
        : op === "neq"
          ? value !== operand
          : op === "eqIgnoreCase"
            ? typeof operand === "string" && value?.toLowerCase() === operand.toLowerCase()
            : op === "in"
              ? (operand as unknown[]).includes(value)
              : op === "nin"
                ? !(operand as unknown[]).includes(value)
                : unsupported(`comparator ${path}.${op}`);
    if (!ok) return false;
  }
  return true;
}

/**
 * The in-memory issue store plus GraphQL root resolvers shaped like Linear's schema. graphql-js's
 * default resolvers read these plain objects; connection fields are functions taking their args.
 */
export class FakeLinearStore {
  readonly issues = new Map<string, FakeLinearIssue>();
  readonly comments: FakeLinearComment[] = [];
  viewerId = "user-viewer";
  /** Called after every write (the server drops its response cache). */
  onChange: () => void = () => {};
  #sorted: FakeLinearIssue[] | null = null;

  #changed(): void {
    this.#sorted = null;
    this.onChange();
  }

  /** Adds or replaces issues (order: createdAt, then insertion). */
  put(...issues: FakeLinearIssue[]): void {
    for (const issue of issues) this.issues.set(issue.id, issue);
    this.#changed();
  }

  /** Changes one issue in place. */
  update(id: string, patch: Partial<FakeLinearIssue>): void {
    const issue = this.issues.get(id);
    if (issue === undefined) throw new Error(`no fake issue ${id}`);
    Object.assign(issue, patch);
    this.#changed();
  }

  /** Root value for graphql-js execution (queries and mutations). */
  root(): Obj {
    return {
      viewer: () => this.#user(this.viewerId),
      issues: (args: Args) => this.#issueConnection(args),
      issue: (args: Args) => {
        const issue = this.#find(String(args.id));
        if (issue === undefined) throw new GraphQLError("Entity not found: Issue");
        return this.#issueNode(issue);
      },
      issueUpdate: (args: Args) => this.#issueUpdate(String(args.id), args.input as Obj),
      commentCreate: (args: Args) => this.#commentCreate(args.input as Obj),
    };
  }

  #find(idOrIdentifier: string): FakeLinearIssue | undefined {
    return (
      this.issues.get(idOrIdentifier) ??
      [...this.issues.values()].find((i) => i.identifier === idOrIdentifier)
    );
  }

  #ordered(): FakeLinearIssue[] {
    this.#sorted ??= [...this.issues.values()].sort((a, b) =>
      a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0,
    );
    return this.#sorted;
  }

  #matches(issue: FakeLinearIssue, filter: Obj | null | undefined): boolean {
    if (filter === null || filter === undefined) return true;
    return Object.entries(filter).every(([key, value]) => {
      const sub = value as Obj;
      switch (key) {
        case "id":
          return compare(issue.id, sub, "id");
        case "project":
          return Object.entries(sub).every(([k, v]) =>
            k === "slugId" ? compare(issue.projectSlug, v, "project.slugId") : unsupported(`project.${k}`),
          );
        case "state":
          return this.#matchesState(issue, sub);
        case "assignee":
          return Object.entries(sub).every(([k, v]) => {
            if (k === "id") return compare(issue.assigneeId, v, "assignee.id");
            if (k === "null") return (issue.assigneeId === null) === v;
            return unsupported(`assignee.${k}`);
          });
        case "and":
          return (value as Obj[]).every((f) => this.#matches(issue, f));
        case "or":
          return (value as Obj[]).some((f) => this.#matches(issue, f));
        default:
          return unsupported(`filter ${key}`);
      }
    });
  }

  #matchesState(issue: FakeLinearIssue, filter: Obj): boolean {
    return Object.entries(filter).every(([k, v]) => {
      if (k === "name") return compare(issue.stateName, v, "state.name");
      if (k === "type") return compare(stateByName(issue.stateName)?.type ?? null, v, "state.type");
      if (k === "or") return (v as Obj[]).some((f) => this.#matchesState(issue, f));
      if (k === "and") return (v as Obj[]).every((f) => this.#matchesState(issue, f));
      return unsupported(`state.${k}`);
    });
  }

  #issueConnection(args: Args): Obj {
    if (args.orderBy === "updatedAt") unsupported("orderBy: updatedAt");
    const all = this.#ordered().filter((i) => this.#matches(i, args.filter as Obj | undefined));
    return paginate(all, args, (i) => this.#issueNode(i));
  }

  #issueNode(issue: FakeLinearIssue): Obj {
    const state = stateByName(issue.stateName) ?? {
      id: `state-${issue.stateName}`,
      name: issue.stateName,
      type: "started",
    };
    const node: Obj = {
      id: issue.id,
      identifier: issue.identifier,
      number: Number(issue.identifier.split("-")[1] ?? 0),
      title: issue.title,
      description: issue.description,
      priority: issue.priority,
      priorityLabel: ["No priority", "Urgent", "High", "Medium", "Low"][issue.priority] ?? "No priority",
      branchName: `${issue.identifier.toLowerCase()}-work`,
      url: `https://linear.app/fake/issue/${issue.identifier}`,
      createdAt: issue.createdAt,
      updatedAt: issue.updatedAt,
      state: { ...state, team: this.#team() },
      team: this.#team(),
      project: { id: `project-${issue.projectSlug}`, slugId: issue.projectSlug, name: issue.projectSlug },
      assignee: issue.assigneeId === null ? null : this.#user(issue.assigneeId),
      labels: (args: Args) =>
        paginate(
          issue.labels.map((name) => ({ id: `label-${name}`, name })),
          args,
        ),
      inverseRelations: (args: Args) =>
        paginate(
          [
            ...issue.blockedBy.map((from) => ({ from, type: "blocks" })),
            ...issue.relatedTo.map((from) => ({ from, type: "related" })),
          ].flatMap(({ from, type }) => {
            const source = this.issues.get(from);
            if (source === undefined) return [];
            return [
              { id: `rel-${from}-${issue.id}`, type, issue: this.#issueNode(source), relatedIssue: node },
            ];
          }),
          args,
        ),
      comments: (args: Args) =>
        paginate(
          this.comments.filter((c) => c.issueId === issue.id),
          args,
        ),
    };
    return { ...node, ...issue.overrides };
  }

  #team(): Obj {
    return {
      id: "team-1",
      key: "FAKE",
      name: "Fake team",
      states: (args: Args) =>
        paginate(
          FAKE_STATES.map((s) => ({ ...s })),
          args,
        ),
    };
  }

  #user(id: string): Obj {
    return {
      id,
      name: `User ${id}`,
      displayName: id,
      email: `${id}@example.com`,
      isMe: id === this.viewerId,
    };
  }

  #issueUpdate(id: string, input: Obj): Obj {
    const issue = this.#find(id);
    if (issue === undefined) throw new GraphQLError("Entity not found: Issue");
    for (const [key, value] of Object.entries(input)) {
      if (key === "stateId") {
        const state = FAKE_STATES.find((s) => s.id === value);
        if (state === undefined) throw new GraphQLError(`Entity not found: WorkflowState ${String(value)}`);
        issue.stateName = state.name;
      } else if (key === "title" || key === "description" || key === "priority" || key === "assigneeId") {
        Object.assign(issue, { [key]: value });
      } else {
        unsupported(`IssueUpdateInput.${key}`);
      }
    }
    this.#changed();
    return { success: true, lastSyncId: 1, issue: this.#issueNode(issue) };
  }

  #commentCreate(input: Obj): Obj {
    const issue = this.#find(String(input.issueId ?? ""));
    if (issue === undefined) throw new GraphQLError("Entity not found: Issue");
    const comment = {
      id: `comment-${this.comments.length + 1}`,
      issueId: issue.id,
      body: String(input.body ?? ""),
    };
    this.comments.push(comment);
    this.#changed();
    return {
      success: true,
      lastSyncId: 1,
      comment: {
        ...comment,
        url: `https://linear.app/fake/comment/${comment.id}`,
        issue: this.#issueNode(issue),
      },
    };
  }
}

function stateByName(name: string) {
  return FAKE_STATES.find((s) => s.name === name);
}

/**
 * Relay-style forward pagination over items with ids; the cursor encodes the last item's id.
 * `toNode` builds the GraphQL object of an item on the page only.
 */
function paginate<T extends object>(
  items: readonly T[],
  args: Args,
  toNode: (item: T) => unknown = (i) => i,
): Obj {
  const idOf = (item: T) => String((item as { id?: unknown }).id);
  if (args.last !== undefined && args.last !== null) unsupported("backward pagination");
  const first = typeof args.first === "number" ? args.first : 50;
  if (first < 0 || first > MAX_PAGE) throw new GraphQLError(`first must be between 0 and ${MAX_PAGE}`);
  let start = 0;
  if (typeof args.after === "string") {
    const afterId = Buffer.from(args.after, "base64url").toString("utf8");
    const index = items.findIndex((item) => idOf(item) === afterId);
    if (index < 0) throw new GraphQLError("invalid cursor");
    start = index + 1;
  }
  const page = items.slice(start, start + first);
  const cursor = (item: T) => Buffer.from(idOf(item), "utf8").toString("base64url");
  const last = page[page.length - 1];
  const nodes = page.map(toNode);
  return {
    nodes,
    edges: page.map((item, i) => ({ node: nodes[i], cursor: cursor(item) })),
    pageInfo: {
      hasNextPage: start + first < items.length,
      hasPreviousPage: start > 0,
      startCursor: page[0] === undefined ? null : cursor(page[0]),
      endCursor: last === undefined ? null : cursor(last),
    },
  };
}
