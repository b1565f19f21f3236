import { type FakeHttp, type Reply, type SeenRequest, startFakeHttp } from "./fake-http.js";

/** A task in the fake's store; `sectionGid` places it in the project. */
export interface FakeAsanaTask {
  gid: string;
  name: string;
  notes: string;
  completed: boolean;
  resourceSubtype: string;
  assigneeGid: string | null;
  tags: string[];
  projectGid: string;
  sectionGid: string;
  createdAt: string;
  modifiedAt: string;
}

/** A story (comment) posted through the API. */
export interface FakeAsanaStory {
  readonly taskGid: string;
  readonly text: string;
}

/** The fake Asana API: store, request log and fault queue. */
export interface FakeAsanaServer extends FakeHttp {
  readonly token: string;
  /** The API root (`<url>/api/1.0`), what `provider.endpoint` points at. */
  readonly endpoint: string;
  readonly tasks: Map<string, FakeAsanaTask>;
  /** Section gid → {name, projectGid}. */
  readonly sections: Map<string, { name: string; projectGid: string }>;
  readonly stories: FakeAsanaStory[];
  /** When on, every task page points at a new offset forever (a runaway cursor). */
  setRunaway(on: boolean): void;
  /** Adds a section to a project; returns its gid. */
  section(projectGid: string, name: string): string;
  put(...tasks: FakeAsanaTask[]): void;
  update(gid: string, patch: Partial<FakeAsanaTask>): void;
}

let nextGid = 1_200_000_000_000_000;

/** A fresh numeric gid. */
export function asanaGid(): string {
  nextGid += 1;
  return String(nextGid);
}

/** A fake task with defaults (incomplete, `default_task`). */
export function fakeAsanaTask(
  projectGid: string,
  sectionGid: string,
  patch: Partial<FakeAsanaTask> = {},
): FakeAsanaTask {
  const gid = patch.gid ?? asanaGid();
  return {
    gid,
    name: `Task ${gid}`,
    notes: `Notes for ${gid}`,
    completed: false,
    resourceSubtype: "default_task",
    assigneeGid: null,
    tags: [],
    projectGid,
    sectionGid,
    createdAt: "2024-01-02T03:04:05.000Z",
    modifiedAt: "2024-01-03T03:04:05.000Z",
    ...patch,
  };
}

const errors = (message: string) => ({ errors: [{ message, help: "See https://developers.asana.com" }] });

/** Starts a loopback Asana REST 1.0 fake (project tasks, task, sections, addTask, stories, task update). */
export async function startFakeAsanaServer(options: { token?: string } = {}): Promise<FakeAsanaServer> {
  const token = options.token ?? "asana-pat-fake-secret";
  const tasks = new Map<string, FakeAsanaTask>();
  const sections = new Map<string, { name: string; projectGid: string }>();
  const stories: FakeAsanaStory[] = [];
  const projects = new Set<string>();
  const state = { runaway: false };

  // Only the requested top-level opt_fields are returned (gid always), as Asana does.
  const render = (task: FakeAsanaTask, optFields: string | null) => {
    const full: Record<string, unknown> = {
      gid: task.gid,
      resource_type: "task",
      name: task.name,
      notes: task.notes,
      completed: task.completed,
      resource_subtype: task.resourceSubtype,
      assignee: task.assigneeGid === null ? null : { gid: task.assigneeGid },
      tags: task.tags.map((name, n) => ({ gid: `${task.gid}${n}`, name })),
      memberships: [
        {
          project: { gid: task.projectGid },
          section: { gid: task.sectionGid, name: sections.get(task.sectionGid)?.name },
        },
      ],
      permalink_url: `https://app.asana.com/0/${task.projectGid}/${task.gid}`,
      created_at: task.createdAt,
      modified_at: task.modifiedAt,
    };
    const wanted = new Set((optFields ?? "name").split(",").map((f) => f.split(".")[0]));
    return Object.fromEntries(Object.entries(full).filter(([k]) => k === "gid" || wanted.has(k)));
  };

  const projectTasks = (req: SeenRequest, projectGid: string): Reply => {
    if (!projects.has(projectGid)) return { status: 404, body: errors("project: Unknown object") };
    const limitText = req.query.get("limit");
    const limit = limitText === null ? 20 : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      return { status: 400, body: errors("limit: Must be between 1 and 100") };
    }
    let start = 0;
    const offset = req.query.get("offset");
    if (offset !== null) {
      const m = /^off-(\d+)$/.exec(offset);
      if (m === null) return { status: 400, body: errors("offset: Your pagination token is invalid") };
      start = Number(m[1]);
    }
    const all = [...tasks.values()].filter((t) => t.projectGid === projectGid);
    const page = all.slice(start, start + limit);
    const more = state.runaway || start + limit < all.length;
    const path = `/projects/${projectGid}/tasks?limit=${limit}&offset=off-${start + limit}`;
    return {
      status: 200,
      body: {
        data: page.map((t) => render(t, req.query.get("opt_fields"))),
        next_page: more
          ? { offset: `off-${start + limit}`, path, uri: `https://app.asana.com/api/1.0${path}` }
          : null,
      },
    };
  };

  const handle = (req: SeenRequest): Reply => {
    const path = req.path.replace(/^\/api\/1\.0/, "");
    if (path === req.path) return { status: 404, body: errors("Not found") };
    let m = /^\/projects\/([^/]+)\/tasks$/.exec(path);
    if (m !== null && req.method === "GET") return projectTasks(req, m[1] ?? "");
    m = /^\/projects\/([^/]+)\/sections$/.exec(path);
    if (m !== null && req.method === "GET") {
      const list = [...sections.entries()].filter(([, s]) => s.projectGid === m?.[1]);
      return {
        status: 200,
        body: { data: list.map(([gid, s]) => ({ gid, name: s.name })), next_page: null },
      };
    }
    m = /^\/tasks\/([^/]+)(\/stories)?$/.exec(path);
    const task = m === null ? undefined : tasks.get(m[1] ?? "");
    if (m !== null && task === undefined) return { status: 404, body: errors("task: Unknown object") };
    if (m !== null && task !== undefined) {
      const data = ((req.body ?? {}) as { data?: Record<string, unknown> }).data;
      if (m[2] === undefined && req.method === "GET") {
        return { status: 200, body: { data: render(task, req.query.get("opt_fields")) } };
      }
      if (m[2] === undefined && req.method === "PUT") {
        if (typeof data?.completed === "boolean") task.completed = data.completed;
        return { status: 200, body: { data: render(task, "name,completed") } };
      }
      if (m[2] === "/stories" && req.method === "POST") {
        if (typeof data?.text !== "string") return { status: 400, body: errors("text: Missing input") };
        stories.push({ taskGid: task.gid, text: data.text });
        return { status: 201, body: { data: { gid: asanaGid(), text: data.text } } };
      }
    }
    m = /^\/sections\/([^/]+)\/addTask$/.exec(path);
    if (m !== null && req.method === "POST") {
      const section = sections.get(m[1] ?? "");
      const gid = ((req.body ?? {}) as { data?: { task?: unknown } }).data?.task;
      const moved = typeof gid === "string" ? tasks.get(gid) : undefined;
      if (section === undefined || moved === undefined)
        return { status: 404, body: errors("Unknown object") };
      moved.sectionGid = m[1] ?? "";
      moved.projectGid = section.projectGid;
      return { status: 200, body: { data: {} } };
    }
    return { status: 404, body: errors("No matching route") };
  };

  const http = await startFakeHttp({
    authorized: (auth) => auth === `Bearer ${token}`,
    unauthorized: { status: 401, body: errors("Not Authorized") },
    handle,
  });
  return Object.assign(http, {
    setRunaway(on: boolean) {
      state.runaway = on;
    },
    token,
    endpoint: `${http.url}/api/1.0`,
    tasks,
    sections,
    stories,
    section(projectGid: string, name: string) {
      projects.add(projectGid);
      const gid = asanaGid();
      sections.set(gid, { name, projectGid });
      return gid;
    },
    put(...list: FakeAsanaTask[]) {
      for (const task of list) {
        projects.add(task.projectGid);
        tasks.set(task.gid, task);
      }
    },
    update(gid: string, patch: Partial<FakeAsanaTask>) {
      const task = tasks.get(gid);
      if (task === undefined) throw new Error(`no fake task ${gid}`);
      Object.assign(task, patch);
    },
  });
}
