import { afterEach, describe, expect, it } from "vitest";
import type { TrackerComment } from "../../src/domain/issue.js";
import type { Journal } from "../../src/orchestrator/journal.js";
import { questionComment, readQuestionThread } from "../../src/orchestrator/questions.js";
import { makeIssue } from "../support/orchestrator/fixtures.js";
import { type Harness, harness } from "../support/orchestrator/harness.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const comment = (author: string, body: string, authorIsBot = false): TrackerComment => ({
  id: `${author}-${body.length}`,
  author,
  authorIsBot,
  body,
  createdAt: null,
});

describe("question comments", () => {
  it("finds the first person's reply after the last question, skipping bots and Symphony's own comments", () => {
    const asked = questionComment("r1", "thread-9", "user_input", "Which database?");
    expect(readQuestionThread([comment("alice", "unrelated")])).toEqual({ kind: "not_asked" });
    expect(readQuestionThread([comment("symphony", asked)])).toMatchObject({ kind: "waiting", runId: "r1" });
    const thread = [
      comment("alice", "before the question"),
      comment("symphony", asked),
      comment("ci[bot]", "build passed", true),
      comment("symphony", "Symphony paused work on this issue"),
      comment("other", "<!-- symphony:note --> also Symphony"),
      comment("alice", "  PostgreSQL  "),
      comment("bob", "SQLite"),
    ];
    expect(readQuestionThread(thread)).toEqual({
      kind: "answered",
      runId: "r1",
      threadId: "thread-9",
      answer: "PostgreSQL",
      author: "alice",
      answeredAt: null,
    });
  });

  it("a question Symphony already took an answer for is not answered twice; a newer question waits again", () => {
    const first = questionComment("r1", null, "approval", "run rm?");
    const taken = "<!-- symphony:answered run=r1 -->\nresumed";
    expect(readQuestionThread([comment("s", first), comment("alice", "yes"), comment("s", taken)])).toEqual({
      kind: "not_asked",
    });
    const second = questionComment("r2", null, "user_input", "which branch?");
    const thread = [comment("s", first), comment("alice", "yes"), comment("s", taken), comment("s", second)];
    expect(readQuestionThread(thread)).toMatchObject({ kind: "waiting", runId: "r2" });
  });
});

describe("questions answered in the tracker", () => {
  it("a blocked run's question is posted with its marker; a person's reply resumes the same thread with the answer", async () => {
    h = await harness([makeIssue({ identifier: "Q-1" })]);
    await h.orchestrator.start();
    await h.settle();
    const runId = h.launcher.requests[0]?.runId;
    h.launcher.emit("id-Q-1", {
      type: "session_started",
      sessionId: "thread-7-turn-1",
      threadId: "thread-7",
      turnId: "turn-1",
      pid: null,
      at: h.clock.now(),
    });
    h.launcher.finish("id-Q-1", { outcome: "blocked", kind: "user_input", question: "Which database?" });
    await h.settle();
    const posted = h.tracker.comments.get("id-Q-1") ?? [];
    expect(posted).toHaveLength(1);
    expect(posted[0]).toContain(`<!-- symphony:question run=${runId} session=thread-7 -->`);
    expect(posted[0]).toContain("> Which database?");
    expect(h.orchestrator.snapshot().blocked).toMatchObject([{ identifier: "Q-1", waitingIn: "tracker" }]);

    // a bot's comment and the next polls without a reply change nothing
    h.tracker.reply("id-Q-1", "ci[bot]", "checks passed", true);
    await h.advance(30_000);
    expect(h.launcher.requests).toHaveLength(1);

    h.tracker.reply("id-Q-1", "alice", "Use PostgreSQL.");
    await h.advance(30_000);
    expect(h.launcher.requests).toHaveLength(2);
    expect(h.launcher.requests[1]?.resume).toEqual({
      threadId: "thread-7",
      question: "Which database?",
      answer: "Use PostgreSQL.",
      author: "alice",
    });
    const snap = h.orchestrator.snapshot();
    expect(snap.blocked).toEqual([]);
    expect(snap.running).toMatchObject([
      { identifier: "Q-1", answer: { author: "alice", text: "Use PostgreSQL." } },
    ]);
    expect(h.tracker.comments.get("id-Q-1")?.[1]).toContain(`<!-- symphony:answered run=${runId} -->`);

    // the answer is taken once: the next poll does not start another attempt
    h.launcher.finish("id-Q-1", { outcome: "completed", turns: 1 });
    await h.advance(30_000);
    expect(h.launcher.requests.filter((r) => r.resume != null)).toHaveLength(1);
  });
});

describe("questions answered in the tracker after a restart", () => {
  it("a blocked record restored from the store resumes the thread its question comment names when the reply arrives", async () => {
    const restoredJournal: Journal = {
      open: async () => ({
        retries: [],
        interrupted: [],
        blocked: [
          {
            issueId: "id-R-1",
            identifier: "R-1",
            url: null,
            state: "Todo",
            kind: "user_input",
            question: "Which port?",
            blockedAt: 0,
            sessionId: "thread-42-turn-1",
            workspacePath: null,
            host: "local",
          },
        ],
      }),
      attemptStarted: () => {},
      attemptEnded: () => {},
      changed: () => {},
      claim: async () => ({ kind: "granted", adopted: null }),
      release: () => {},
      durable: () => null,
      close: async () => {},
    };
    h = await harness([makeIssue({ identifier: "R-1" })], {}, { journal: restoredJournal });
    // the question was posted by the process that died; its marker carries the thread id
    h.tracker.reply(
      "id-R-1",
      "symphony",
      questionComment("old-run", "thread-42", "user_input", "Which port?"),
    );
    await h.orchestrator.start();
    await h.settle();
    expect(h.launcher.requests).toHaveLength(0);
    expect(h.orchestrator.snapshot().blocked).toMatchObject([{ identifier: "R-1", waitingIn: "tracker" }]);
    h.tracker.reply("id-R-1", "carol", "8080");
    await h.advance(30_000);
    expect(h.launcher.requests.map((r) => r.resume)).toEqual([
      { threadId: "thread-42", question: "Which port?", answer: "8080", author: "carol" },
    ]);
  });
});
