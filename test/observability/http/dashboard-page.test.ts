import type { BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import type { OrchestratorSnapshot } from "../../../src/domain/snapshot.js";
import {
  describeHttpStartError,
  type HttpServer,
  startHttpServer,
} from "../../../src/observability/http/server.js";
import { launchChromium } from "../../support/chromium.js";
import { FakeStatusSource } from "../../support/fake-status-source.js";
import { buildSnapshot, busySnapshot, runningRow } from "../../support/snapshot-fixtures.js";
import { CHROMIUM, describeNeeding } from "../../support/tools.js";

const needs = describeNeeding([CHROMIUM]);

// The live dashboard in a real headless Chromium against the real HTTP server and SSE stream.

let browser: { context: BrowserContext; close: () => Promise<void> };
beforeAll(async () => {
  if (needs.missing !== null) return;
  browser = await launchChromium();
}, 30_000);
afterAll(async () => {
  await browser?.close();
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function serve(
  source: FakeStatusSource,
  port = 0,
  authToken: string | null = null,
): Promise<HttpServer> {
  const started = await startHttpServer({ source, host: "127.0.0.1", port, authToken, sseFlushMs: 50 });
  if (!started.ok) throw new Error(describeHttpStartError(started.error));
  cleanups.push(() => started.value.close());
  return started.value;
}

async function openPage(url: string): Promise<{ page: Page; errors: string[]; dialogs: string[] }> {
  const page = await browser.context.newPage();
  cleanups.push(() => page.close());
  const errors: string[] = [];
  const dialogs: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(url);
  return { page, errors, dialogs };
}

const runningIds = (page: Page) =>
  page.$$eval("#running tr[data-issue]", (rows) => rows.map((r) => r.getAttribute("data-issue")));

needs.describe("web dashboard in Chromium", () => {
  it("loads and shows the running issues, totals, retry queue and blocked question", async () => {
    const server = await serve(new FakeStatusSource(busySnapshot()));
    const { page, errors } = await openPage(server.url);
    await page.waitForSelector("#status.live");
    expect(await runningIds(page)).toEqual(["MT-649", "MT-700"]);
    expect(await page.textContent("#cards")).toContain("74,000");
    // recorded runs with their outcome, cost and the replay command; leases with their holder
    const recent = await page.textContent("#recent");
    expect(recent).toContain("MT-640");
    expect(recent).toContain("failed (turn_timeout)");
    expect(recent).toContain("US$0.0425");
    expect(recent).toContain("symphony replay /logs/MT-640/MT-640.r1.events.jsonl");
    expect(await page.textContent("#leases")).toContain("other-host:7:wxyz");
    // spend today against the day budget, and the month
    expect(await page.textContent("#cards")).toContain(
      "Spend todayUS$12.50UTC day of US$100.00 a day · month US$240.75",
    );
    expect(await page.textContent("#retrying")).toContain("turn_timeout: no output for 300s");
    expect(await page.textContent("#blocked")).toContain("Which database should I migrate?");
    expect(await page.textContent("#skipped")).toContain("blocked by MT-649");
    // the identifier links to the tracker
    expect(await page.getAttribute('#running a[href^="https://tracker.example"]', "href")).toBe(
      "https://tracker.example/issues/MT-649",
    );
    expect(errors).toEqual([]);
  });

  it("updates within a second when the state changes", async () => {
    const source = new FakeStatusSource(busySnapshot());
    const server = await serve(source);
    const { page } = await openPage(server.url);
    await page.waitForSelector('#running tr[data-issue="MT-649"]');
    const changedAt = Date.now();
    const next: OrchestratorSnapshot = buildSnapshot({ running: [runningRow({ identifier: "NEW-1" })] });
    source.set(next);
    await page.waitForSelector('#running tr[data-issue="NEW-1"]', { timeout: 1000 });
    expect(Date.now() - changedAt).toBeLessThan(1000);
    expect(await runningIds(page)).toEqual(["NEW-1"]);
  });

  it("survives a server restart: shows Offline, then reconnects and shows the new state", async () => {
    const first = new FakeStatusSource(busySnapshot());
    const server = await serve(first);
    const port = server.port;
    const { page } = await openPage(server.url);
    await page.waitForSelector("#status.live");
    await server.close();
    await page.waitForSelector("#status.offline", { timeout: 5000 });
    const second = new FakeStatusSource(buildSnapshot({ running: [runningRow({ identifier: "AFTER-1" })] }));
    await serve(second, port);
    await page.waitForSelector('#running tr[data-issue="AFTER-1"]', { timeout: 10_000 });
    await page.waitForSelector("#status.live");
  });

  it("a title with <script> (or an onerror image) stays text: no HTML injection from the tracker", async () => {
    const hostile = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
    const source = new FakeStatusSource(
      buildSnapshot({
        running: [
          runningRow({
            identifier: "XSS-1",
            title: hostile,
            lastMessage: "<b>bold?</b>",
            url: "javascript:alert(1)",
            profile: "<b>p</b>",
          }),
        ],
      }),
    );
    const server = await serve(source);
    const { page, dialogs, errors } = await openPage(server.url);
    await page.waitForSelector('#running tr[data-issue="XSS-1"]');
    const cells = await page.$$eval('#running tr[data-issue="XSS-1"] td', (tds) =>
      tds.map((td) => td.textContent),
    );
    expect(cells[1]).toBe(hostile);
    // the Agent column: the backend that runs the issue and, when a profile chose it, the profile
    expect(cells[3]).toBe("codex (<b>p</b>)");
    expect(cells[7]).toBe("<b>bold?</b>");
    expect(await page.$$eval("#running img, #running script, #running b", (n) => n.length)).toBe(0);
    // a javascript: URL is not turned into a link
    expect(await page.$$eval("#running a", (n) => n.length)).toBe(0);
    expect(await page.evaluate("typeof window.__pwned")).toBe("undefined");
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("per-issue view: clicking a row shows its details, a tracker link and live agent events", async () => {
    const source = new FakeStatusSource(busySnapshot());
    const server = await serve(source);
    const { page } = await openPage(server.url);
    await page.click('#running tr[data-issue="MT-649"] td:nth-child(2)');
    await page.waitForSelector("#detail:not([hidden]) >> text=status running");
    expect(await page.getAttribute("#detail a", "href")).toBe("https://tracker.example/issues/MT-649");
    source.emit({
      type: "agent_event",
      issueId: "id-MT-649",
      identifier: "MT-649",
      event: {
        type: "tool_call",
        at: Date.now(),
        tool: "update_issue",
        ok: true,
        summary: "moved to Human Review",
      },
    });
    await page.waitForSelector("#detail .timeline >> text=tool update_issue ok: moved to Human Review", {
      timeout: 1000,
    });
    expect(page.url()).toContain("#/issue/MT-649");
  });

  it("with an auth token, the page opened with ?token= loads and streams; without it the server answers 401", async () => {
    const source = new FakeStatusSource(busySnapshot());
    const server = await serve(source, 0, "let-me-in");
    const denied = await browser.context.request.get(server.url);
    expect(denied.status()).toBe(401);
    const { page, errors } = await openPage(`${server.url}?token=let-me-in`);
    await page.waitForSelector('#running tr[data-issue="MT-649"]');
    source.set(buildSnapshot({ running: [runningRow({ identifier: "AUTH-1" })] }));
    await page.waitForSelector('#running tr[data-issue="AUTH-1"]', { timeout: 1000 });
    await page.click('#running tr[data-issue="AUTH-1"] td:nth-child(2)');
    await page.waitForSelector("#detail:not([hidden]) >> text=status running");
    expect(errors).toEqual([]);
  });
});
