import type { TrackerComment } from "../domain/issue.js";

const MARKER = /<!--\s*symphony:question run=([^\s>]+)(?: session=([^\s>]+))?\s*-->/;
// every comment Symphony writes about a question carries one of these, so it never answers itself
const OWN = /<!--\s*symphony:/;

/** The tracker comment Symphony posts when a run asks a person something; the hidden marker finds it again. */
export function questionComment(
  runId: string,
  threadId: string | null,
  kind: string,
  question: string,
): string {
  const what = kind === "approval" ? "needs an approval" : "has a question";
  // the session id rides in the marker, so a restarted service can still resume the right conversation
  const session = threadId === null || /[\s>]/.test(threadId) ? "" : ` session=${threadId}`;
  return [
    `<!-- symphony:question run=${runId}${session} -->`,
    `The agent working on this issue ${what}:`,
    "",
    ...question.split("\n").map((line) => `> ${line}`),
    "",
    "Reply with a comment on this issue; Symphony resumes the same session with your reply as its next turn.",
  ].join("\n");
}

/** The comment Symphony posts when it has taken an answer, so a later reply is not taken twice. */
export function answerTakenComment(runId: string): string {
  return `<!-- symphony:answered run=${runId} -->\nSymphony passed the reply above to the agent and resumed its work.`;
}

/** What the comments say about the last question Symphony asked on an issue. */
export type QuestionThread =
  | { readonly kind: "not_asked" }
  | { readonly kind: "waiting"; readonly runId: string; readonly askedAt: number | null }
  | {
      readonly kind: "answered";
      readonly runId: string;
      readonly threadId: string | null;
      readonly answer: string;
      readonly author: string | null;
      readonly answeredAt: number | null;
    };

/**
 * Finds the last question comment and the first reply after it written by a person: not a bot, not the
 * account that posted the question, not one of Symphony's own marked comments. A question already
 * answered (Symphony's `answered` marker after it) counts as not asked.
 */
export function readQuestionThread(comments: readonly TrackerComment[]): QuestionThread {
  let at = -1;
  let runId = "";
  let threadId: string | null = null;
  for (let i = comments.length - 1; i >= 0; i -= 1) {
    const match = MARKER.exec(comments[i]?.body ?? "");
    if (match?.[1] !== undefined) {
      at = i;
      runId = match[1];
      threadId = match[2] ?? null;
      break;
    }
  }
  if (at < 0) return { kind: "not_asked" };
  const question = comments[at] as TrackerComment;
  const after = comments.slice(at + 1);
  if (after.some((c) => c.body.includes(`<!-- symphony:answered run=${runId} -->`)))
    return { kind: "not_asked" };
  const reply = after.find(
    (c) =>
      !c.authorIsBot &&
      !OWN.test(c.body) &&
      c.body.trim() !== "" &&
      (question.author === null || c.author !== question.author),
  );
  if (reply === undefined) return { kind: "waiting", runId, askedAt: question.createdAt };
  return {
    kind: "answered",
    runId,
    threadId,
    answer: reply.body.trim(),
    author: reply.author,
    answeredAt: reply.createdAt,
  };
}
