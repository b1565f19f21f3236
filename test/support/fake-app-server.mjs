// A scripted stand-in for `codex app-server` (a real process on real pipes) for what the real binary cannot
// be made to do. Usage: node fake-app-server.mjs <scenario>. Every message received is appended to
// $FAKE_LOG as {"received": …}; the first line records cwd and env.
import { appendFileSync } from "node:fs";
import { createInterface } from "node:readline";

const scenario = process.argv[2] ?? "plain";
const log = process.env.FAKE_LOG;
const record = (entry) => {
  if (log) appendFileSync(log, `${JSON.stringify(entry)}\n`);
};
record({ cwd: process.cwd(), env: process.env });

const THREAD = "thread-1";
let turns = 0;
const send = (m) => process.stdout.write(`${JSON.stringify(m)}\n`);
const notify = (method, params) => send({ method, params, emittedAtMs: Date.now() });
const replies = new Map();
const waiters = [];

function completeTurn(turnId, status = "completed", extra = {}) {
  notify("turn/completed", {
    threadId: THREAD,
    turn: {
      id: turnId,
      status,
      items: [{ type: "agentMessage", id: "m", text: "done" }],
      error: null,
      ...extra,
    },
  });
}

function awaitReplies(ids, then) {
  waiters.push({ ids, then });
  check();
}
function check() {
  for (const w of [...waiters]) {
    if (w.ids.every((id) => replies.has(id))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.then(w.ids.map((id) => replies.get(id)));
    }
  }
}

function onTurn(id, turnId) {
  const respond = () => send({ id, result: { turn: { id: turnId, status: "inProgress", items: [] } } });
  switch (scenario) {
    case "garbage":
      process.stdout.write("this is not json\n{broken json\n[1,2,3]\n\n");
      respond();
      completeTurn(turnId);
      return;
    case "huge-line":
      respond();
      process.stdout.write(
        `{"method":"item/agentMessage/delta","params":{"delta":"${"x".repeat(11 * 1024 * 1024)}"}}\n`,
      );
      completeTurn(turnId);
      return;
    case "exit-mid-turn":
      respond();
      notify("turn/started", { threadId: THREAD, turn: { id: turnId } });
      setTimeout(() => process.exit(3), 20);
      return;
    case "no-turn-response":
      return; // the response never comes
    case "early-complete":
      completeTurn(turnId); // completion before the turn/start response
      respond();
      return;
    case "retry-errors":
      respond();
      for (let i = 1; i <= 3; i++) {
        notify("error", {
          error: { message: `Reconnecting... ${i}/5` },
          willRetry: true,
          threadId: THREAD,
          turnId,
        });
      }
      setTimeout(() => completeTurn(turnId), 30);
      return;
    case "silent":
      respond(); // then nothing: only the runner's turn signal ends it
      return;
    case "stderr-forever":
      // a hung turn that keeps writing diagnostics: no protocol progress, so stall detection must fire
      respond();
      notify("turn/started", { threadId: THREAD, turn: { id: turnId } });
      setInterval(() => process.stderr.write(`WARN still retrying ${Date.now()}\n`), 50);
      return;
    case "telemetry": {
      respond();
      const usage = (total) => ({
        threadId: THREAD,
        turnId,
        tokenUsage: {
          total: { inputTokens: total - 10, outputTokens: 10, totalTokens: total, cachedInputTokens: 0 },
          last: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
        },
      });
      notify("thread/tokenUsage/updated", usage(100));
      notify("thread/tokenUsage/updated", usage(100));
      notify("thread/tokenUsage/updated", usage(250));
      notify("account/rateLimits/updated", {
        rateLimits: {
          limitId: "codex",
          primary: { usedPercent: 42, windowDurationMins: 300 },
          secondary: null,
        },
      });
      notify("account/rateLimits/updated", { rateLimits: { limitId: null, primary: null, secondary: null } });
      process.stderr.write('{"method":"turn/completed","params":{}}\nWARN stderr is diagnostics\n');
      setTimeout(() => completeTurn(turnId), 30);
      return;
    }
    case "server-requests":
      respond();
      send({
        id: 0,
        method: "item/commandExecution/requestApproval",
        params: { threadId: THREAD, turnId, itemId: "c1", command: "make build" },
      });
      send({
        id: 1,
        method: "item/fileChange/requestApproval",
        params: { threadId: THREAD, turnId, itemId: "f1", reason: "edit" },
      });
      send({ id: 2, method: "some/futureRequest", params: {} });
      send({
        id: 3,
        method: "item/tool/call",
        params: { threadId: THREAD, turnId, callId: "t1", tool: "not_a_tool", arguments: {} },
      });
      send({
        id: 4,
        method: "item/tool/call",
        params: { threadId: THREAD, turnId, callId: "t2", tool: "echo_tool", arguments: { a: 1 } },
      });
      send({
        id: 5,
        method: "item/tool/requestUserInput",
        params: {
          threadId: THREAD,
          turnId,
          itemId: "u1",
          questions: [
            {
              id: "mcp_tool_call_approval_x",
              question: "Allow tool?",
              options: [{ label: "Approve Once" }, { label: "Approve this Session" }, { label: "Deny" }],
            },
          ],
        },
      });
      awaitReplies([0, 1, 2, 3, 4, 5], () => completeTurn(turnId));
      return;
    case "elicitation":
      respond();
      send({
        id: 0,
        method: "mcpServer/elicitation/request",
        params: { threadId: THREAD, turnId, serverName: "db", message: "Which schema?" },
      });
      awaitReplies([0], () => {});
      return;
    case "file-change-approval":
      respond();
      send({
        id: 0,
        method: "item/fileChange/requestApproval",
        params: { threadId: THREAD, turnId, itemId: "f1", reason: "write outside" },
      });
      return;
    default:
      respond();
      completeTurn(turnId);
  }
}

const rl = createInterface({ input: process.stdin });
rl.on("line", (line) => {
  const msg = JSON.parse(line);
  record({ received: msg });
  if (msg.method === undefined && msg.id !== undefined) {
    replies.set(msg.id, msg);
    check();
    return;
  }
  switch (msg.method) {
    case "initialize":
      if (scenario === "no-init-response") return;
      send({
        id: msg.id,
        result: { userAgent: "fake/0", codexHome: "/tmp", platformFamily: "unix", platformOs: "linux" },
      });
      return;
    case "initialized":
      return;
    case "thread/start":
      send({ id: msg.id, result: { thread: { id: THREAD, status: { type: "idle" } } } });
      notify("thread/started", { thread: { id: THREAD } });
      return;
    case "thread/name/set":
      send({ id: msg.id, result: {} });
      return;
    case "turn/start":
      turns += 1;
      onTurn(msg.id, `turn-${turns}`);
      return;
    case "turn/interrupt":
      send({ id: msg.id, result: {} });
      completeTurn(msg.params.turnId, "interrupted");
      return;
    default:
      send({ id: msg.id, error: { code: -32601, message: `fake does not know ${msg.method}` } });
  }
});
rl.on("close", () => process.exit(0));
