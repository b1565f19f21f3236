/**
 * Overhead of the built-in agent loop per tool step, against the fake model server's own response time.
 * One run: a session does STEPS tool steps (read_file) plus a final answer against the loopback fake
 * OpenAI Chat Completions server; then the exact request bodies it sent are replayed with bare `fetch`
 * (stream read to the end). Overhead per step = agent time per model call − bare time per request.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { builtinConfig, runTurn, startBuiltinSession } from "../test/support/builtin-harness.js";
import { startFakeOpenAIChatServer } from "../test/support/fake-openai-chat-server.js";
import type { ScriptedReply } from "../test/support/fake-streaming-model-server.js";

const STEPS = 20;
const ROUNDS = 5;

const script = (_req: unknown, index: number): ScriptedReply =>
  index % (STEPS + 1) === STEPS
    ? { kind: "text", text: "done" }
    : {
        kind: "tool_calls",
        calls: [{ name: "read_file", args: { path: "notes.txt", start_line: 1, end_line: 40 } }],
      };

const server = await startFakeOpenAIChatServer(script);
let agentMs = 0;
let bareMs = 0;
let calls = 0;
try {
  for (let round = 0; round <= ROUNDS; round++) {
    const harness = await startBuiltinSession({
      config: builtinConfig({ baseUrl: server.url, maxSteps: STEPS + 5 }),
    });
    try {
      await writeFile(
        join(harness.workspace, "notes.txt"),
        Array.from({ length: 200 }, (_, i) => `note ${i}`).join("\n"),
      );
      const first = server.requests.length;
      const t0 = performance.now();
      const error = await runTurn(harness, "Read the notes repeatedly.");
      const elapsed = performance.now() - t0;
      if (error !== null) throw new Error(`turn failed: ${error.category}: ${error.message}`);
      const bodies = server.requests.slice(first).map((r) => r.body);
      if (bodies.length !== STEPS + 1)
        throw new Error(`expected ${STEPS + 1} model calls, got ${bodies.length}`);
      // replay the same bodies with a bare client: the server's own response time plus HTTP
      const t1 = performance.now();
      for (const [i, body] of bodies.entries()) {
        const response = await fetch(`${server.url}/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        });
        await response.text();
        if (i === bodies.length - 1 && !response.ok) throw new Error(`replay failed: ${response.status}`);
      }
      const replay = performance.now() - t1;
      server.requests.splice(first); // keep the script's step counter aligned with a fresh round
      if (round === 0) continue; // warm-up
      agentMs += elapsed;
      bareMs += replay;
      calls += bodies.length;
    } finally {
      await harness.cleanup();
    }
  }
} finally {
  await server.close();
}

const agentPerCall = agentMs / calls;
const barePerCall = bareMs / calls;
process.stdout.write(`model calls measured: ${calls} (${ROUNDS} rounds × ${STEPS} tool steps + 1 answer)\n`);
process.stdout.write(`agent loop, per model call (incl. tool): ${agentPerCall.toFixed(2)} ms\n`);
process.stdout.write(`bare fetch of the same request:          ${barePerCall.toFixed(2)} ms\n`);
process.stdout.write(
  `loop overhead per tool step:             ${(agentPerCall - barePerCall).toFixed(2)} ms\n`,
);
process.stdout.write(
  `builtin: ${(agentPerCall / barePerCall).toFixed(2)}x fake-server response time per step\n`,
);
