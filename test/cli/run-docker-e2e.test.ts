import { chmod, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import { LABELS } from "../../src/hosts/docker/container-spec.js";
import { sigtermWithin, TestCli } from "../support/cli-process.js";
import {
  buildTestImage,
  containersLabelled,
  DOCKER_TOOLS,
  dockerCli,
  startDockerd,
  TEST_IMAGE,
  type TestDockerd,
} from "../support/dockerd.js";
import { makeTempDir } from "../support/temp-dir.js";
import { describeNeeding } from "../support/tools.js";
import { until } from "../support/until.js";

const { describe: describeDocker } = describeNeeding(DOCKER_TOOLS);

// `symphony run` with `worker.kind: docker` against real dockerd processes on private sockets: the
// workspace, hooks and the command agent run in containers; SIGTERM and a dead engine are handled.

const SERVICE = "docker-e2e";
const SERVICE_LABEL = `${LABELS.service}=${SERVICE}`;
let engines: TestDockerd[] = [];
let dir: { path: string; cleanup: () => Promise<void> };
const cli = new TestCli();

/** A WORKFLOW.md on the local tracker and the command backend, on the given engines. */
function workflow(fields: { hooks: string; run: string; engines: readonly TestDockerd[] }): string {
  return [
    "---",
    "tracker:",
    "  kind: local",
    "worker:",
    "  kind: docker",
    "docker:",
    `  image: ${TEST_IMAGE}`,
    `  service_id: ${SERVICE}`,
    "  memory_mb: 128",
    "  pids_limit: 64",
    "  engines:",
    ...fields.engines.map(
      (e, i) => `    - { name: e${i + 1}, address: "${e.address}", max_concurrent_agents: 1 }`,
    ),
    "workspace:",
    `  root: ${join(dir.path, "ws")}`,
    "hooks:",
    fields.hooks,
    "  timeout_ms: 30000",
    "agent:",
    "  backend: command",
    "  max_turns: 1",
    "  max_retry_backoff_ms: 500",
    "command:",
    `  run: ${JSON.stringify(fields.run)}`,
    "---",
    "Work on {{ issue.identifier }}",
    "",
  ].join("\n");
}

const toHumanReview = `SYMPHONY_TOOL: {"name":"update_issue","arguments":{"state":"Human Review"}}`;

describeDocker("symphony run with worker.kind: docker (real dockerd)", { timeout: 90_000 }, () => {
  beforeAll(async () => {
    engines = await Promise.all([startDockerd(), startDockerd()]);
    await Promise.all(engines.map((e) => buildTestImage(e)));
  }, 60_000);
  afterAll(async () => {
    await Promise.all(engines.map((e) => e.close()));
  });
  beforeEach(async () => {
    dir = await makeTempDir("symphony-docker-e2e-");
    await mkdir(join(dir.path, "home"));
    await mkdir(join(dir.path, "project", "issues"), { recursive: true });
    // the agent uid inside may write the tracker's issue files only through the service, never directly
    await chmod(dir.path, 0o755);
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === "fail") process.stderr.write(`--- CLI output ---\n${cli.output()}\n`);
    cli.kill();
    await dir.cleanup();
  });

  it("hooks and the command agent run in containers as the agent uid; the issue reaches its hand-off state; the workspace outlives the containers", async () => {
    const project = join(dir.path, "project");
    await writeFile(join(project, "issues/DOC-1.md"), "---\ntitle: contained work\nstate: Todo\n---\n");
    await writeFile(join(project, "issues/DOC-2.md"), "---\ntitle: finished\nstate: Done\n---\n");
    // a leftover workspace of a terminal issue: startup cleanup removes it through the engine
    await mkdir(join(dir.path, "ws", "DOC-2"), { recursive: true });
    // a container a crashed predecessor left behind: the startup sweep removes it
    await dockerCli(engines[0] as TestDockerd, [
      "create",
      "--label",
      SERVICE_LABEL,
      "--label",
      `${LABELS.managed}=1`,
      TEST_IMAGE,
      "true",
    ]);
    const hooks = [
      "  after_create: 'echo \"created uid=$(id -u) home=$HOME id=$SYMPHONY_ISSUE_IDENTIFIER\" > created.txt'",
      "  before_run: 'echo before_run >> hooks.txt'",
      "  after_run: 'echo after_run >> hooks.txt'",
    ].join("\n");
    const run = `p=$(cat); echo "agent uid=$(id -u) pwd=$PWD prompt=$p secret=\${LEAKY_SECRET:-none}" >> agent.txt; echo '${toHumanReview}'`;
    await writeFile(join(project, "WORKFLOW.md"), workflow({ hooks, run, engines: engines.slice(0, 1) }));
    const { proc } = cli.start(join(project, "WORKFLOW.md"), dir.path, { LEAKY_SECRET: "s3cret" });

    await until(
      async () => (await readFile(join(project, "issues/DOC-1.md"), "utf8")).includes("state: Human Review"),
      40_000,
      "DOC-1 to reach Human Review",
    );
    await until(() => cli.output().includes("hook=after_run"), 15_000, "after_run");
    const ws = join(dir.path, "ws", "DOC-1");
    expect(await readFile(join(ws, "created.txt"), "utf8")).toBe("created uid=1000 home=/tmp id=DOC-1\n");
    // the service's environment does not reach the container (no passthrough configured)
    expect(await readFile(join(ws, "agent.txt"), "utf8")).toBe(
      `agent uid=1000 pwd=${ws} prompt=Work on DOC-1 secret=none\n`,
    );
    await until(async () => (await readFile(join(ws, "hooks.txt"), "utf8")) === "before_run\nafter_run\n");
    expect((await stat(ws)).uid).toBe(1000);
    expect(await stat(join(dir.path, "ws", "DOC-2")).catch(() => null)).toBeNull();
    expect(cli.output()).toMatch(/msg="workspace removed".*host=docker:e1/);
    expect(cli.output()).toMatch(/msg="dispatching issue" issue_id=DOC-1 .*host=docker:e1/);
    // every container (and the predecessor's leftover) is gone; the files stay
    await until(
      async () => (await containersLabelled(engines[0] as TestDockerd, SERVICE_LABEL)).length === 0,
      10_000,
      "containers gone",
    );
    expect(await sigtermWithin(proc, 10_000)).toBe(0);
  });

  it("SIGTERM during an agent run exits 0 and leaves no container", async () => {
    const project = join(dir.path, "project");
    await writeFile(join(project, "issues/HANG-1.md"), "---\ntitle: hang\nstate: Todo\n---\n");
    const run = "echo started > started.txt; sleep 300";
    await writeFile(
      join(project, "WORKFLOW.md"),
      workflow({ hooks: "  after_run: 'true'", run, engines: engines.slice(0, 1) }),
    );
    const { proc } = cli.start(join(project, "WORKFLOW.md"), dir.path);
    await until(
      async () =>
        (await readFile(join(dir.path, "ws", "HANG-1", "started.txt"), "utf8").catch(() => "")) !== "",
      30_000,
      "agent running",
    );
    expect(await containersLabelled(engines[0] as TestDockerd, `${LABELS.role}=agent`)).toHaveLength(1);
    expect(await sigtermWithin(proc, 15_000)).toBe(0);
    expect(await containersLabelled(engines[0] as TestDockerd, SERVICE_LABEL)).toEqual([]);
  });

  it("an engine killed mid-run: the retry finds it unreachable and the issue completes on the other engine", async () => {
    const [first, second] = engines as [TestDockerd, TestDockerd];
    const project = join(dir.path, "project");
    await writeFile(join(project, "issues/FAIL-1.md"), "---\ntitle: failover\nstate: Todo\n---\n");
    // the first attempt marks the workspace and waits; a later attempt finishes the work
    const run = `if [ -e first-attempt ]; then echo "done on retry" > retry.txt; echo '${toHumanReview}'; else touch first-attempt; sleep 4; exit 1; fi`;
    await writeFile(
      join(project, "WORKFLOW.md"),
      workflow({ hooks: "  after_run: 'true'", run, engines: [first, second] }),
    );
    cli.start(join(project, "WORKFLOW.md"), dir.path);
    const ws = join(dir.path, "ws", "FAIL-1");
    await until(
      async () => (await stat(join(ws, "first-attempt")).catch(() => null)) !== null,
      30_000,
      "first attempt",
    );
    expect(cli.output()).toMatch(/msg="dispatching issue" issue_id=FAIL-1 .*host=docker:e1/);
    await first.kill();
    await until(
      async () => (await readFile(join(project, "issues/FAIL-1.md"), "utf8")).includes("state: Human Review"),
      45_000,
      "FAIL-1 to reach Human Review on e2",
    );
    expect(await readFile(join(ws, "retry.txt"), "utf8")).toBe("done on retry\n");
    expect(cli.output()).toMatch(/issue_id=FAIL-1 .*host=docker:e2/);
    await until(
      async () => (await containersLabelled(second, SERVICE_LABEL)).length === 0,
      10_000,
      "containers gone on e2",
    );
  });
});
