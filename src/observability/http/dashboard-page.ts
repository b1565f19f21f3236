import { createHash } from "node:crypto";

// The live dashboard: one self-contained page (no build step, no CDN). It reads the state from
// `/api/v1/events` (SSE) and the per-issue view from `/api/v1/<identifier>`. Every string from a
// tracker or an agent goes into the DOM through textContent, never through HTML parsing; links are
// only made for http(s) URLs. The CSP below allows exactly this inline script (by hash).

const STYLE = `
:root{--bg:#0f1419;--panel:#171e26;--line:#263241;--fg:#dde6ee;--dim:#8a9aab;--ok:#3fb950;--warn:#d29922;--bad:#f85149;--acc:#58a6ff}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;background:var(--bg);color:var(--fg)}
header{display:flex;align-items:center;gap:12px;padding:14px 22px;border-bottom:1px solid var(--line)}
h1{font-size:18px;margin:0;letter-spacing:.04em}h2{font-size:14px;margin:22px 0 8px;color:var(--dim);text-transform:uppercase;letter-spacing:.06em}
.badge{padding:2px 9px;border-radius:10px;font-size:12px;font-weight:600}.live{background:#12361f;color:var(--ok)}.offline{background:#3d1416;color:var(--bad)}
.meta{color:var(--dim);font-size:12px;margin-left:auto;text-align:right}main{padding:4px 22px 30px}
.cards{display:grid;grid-template-columns:repeat(6,minmax(0,1fr));gap:10px;margin-top:14px}
.card{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:10px 12px}.card .v{font-size:22px;font-weight:600}.card .k{color:var(--dim);font-size:12px}.card .d{color:var(--dim);font-size:12px}
table{width:100%;border-collapse:collapse;background:var(--panel);border:1px solid var(--line);border-radius:8px;overflow:hidden}
th,td{text-align:left;padding:6px 10px;border-bottom:1px solid var(--line);vertical-align:top}th{color:var(--dim);font-weight:500;font-size:12px}
td.num{text-align:right;font-variant-numeric:tabular-nums}td.msg{max-width:520px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
tr.row{cursor:pointer}tr.row:hover{background:#1d2630}.empty{color:var(--dim);padding:10px 0}
a{color:var(--acc);text-decoration:none}a:hover{text-decoration:underline}
.error{background:#3d1416;border:1px solid var(--bad);color:#ffd7d5;padding:8px 12px;border-radius:8px;margin-top:12px}
pre{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:8px 12px;white-space:pre-wrap;margin:0;font-size:12px}
#detail{background:var(--panel);border:1px solid var(--acc);border-radius:8px;padding:12px 16px;margin-top:16px}
#detail .close{float:right;cursor:pointer;color:var(--dim)}.timeline{font:12px/1.5 ui-monospace,Menlo,monospace;max-height:320px;overflow:auto}
.timeline div{border-bottom:1px dotted var(--line);padding:2px 0}.ts{color:var(--dim);margin-right:8px}.ev{color:var(--acc);margin-right:8px}
`;

const SCRIPT = `
"use strict";
const token = new URLSearchParams(location.search).get("token");
const withToken = (p) => token ? p + (p.includes("?") ? "&" : "?") + "token=" + encodeURIComponent(token) : p;
const $ = (id) => document.getElementById(id);
let state = null, online = false, source = null, selected = null, retryMs = 500;
const timelines = new Map();
function el(tag, props, ...kids) {
  const n = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (k === "class") n.className = v; else if (k === "onclick") n.addEventListener("click", v); else n.setAttribute(k, v);
  }
  for (const c of kids) if (c !== null && c !== undefined) n.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return n;
}
function safeUrl(u) { try { const x = new URL(u); return (x.protocol === "http:" || x.protocol === "https:") && x.host ? x.href : null; } catch { return null; } }
function issueLink(id, url) { const u = url ? safeUrl(url) : null; return u ? el("a", { href: u, target: "_blank", rel: "noopener noreferrer" }, id) : el("span", {}, id); }
const fmt = (n) => Number(n || 0).toLocaleString("en-US");
function dur(ms) { let s = Math.max(0, Math.floor(ms / 1000)); const d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60); s %= 60;
  return d ? d + "d " + h + "h" : h ? h + "h " + String(m).padStart(2, "0") + "m" : m ? m + "m " + String(s).padStart(2, "0") + "s" : s + "s"; }
const since = (iso) => iso ? dur(Date.now() - Date.parse(iso)) : "-";
const until = (iso) => { if (!iso) return "-"; const ms = Date.parse(iso) - Date.now(); return ms <= 0 ? "now" : "in " + dur(ms); };
function table(id, head, rows, empty) {
  const box = $(id); box.replaceChildren();
  if (rows.length === 0) { box.append(el("div", { class: "empty" }, empty)); return; }
  const t = el("table", {}, el("thead", {}, el("tr", {}, ...head.map((h) => el("th", {}, h)))));
  const body = el("tbody"); for (const r of rows) body.append(r); t.append(body); box.append(t);
}
function row(identifier, cells) {
  const tr = el("tr", { class: "row", "data-issue": identifier, onclick: (e) => { if (e.target.tagName !== "A") openIssue(identifier); } });
  for (const c of cells) tr.append(c instanceof Node && c.tagName === "TD" ? c : el("td", {}, c));
  return tr;
}
const num = (v) => el("td", { class: "num" }, v);
function card(k, v, d) { return el("div", { class: "card" }, el("div", { class: "k" }, k), el("div", { class: "v" }, v), el("div", { class: "d" }, d || "")); }
function spendCard(sp) {
  const day = sp.budgets.find((b) => b.period === "day" && b.label === null && b.state === null && b.max_cost_usd !== null);
  const cap = day ? " of US$" + day.max_cost_usd.toFixed(2) + " a day" : "";
  return card("Spend today", "US$" + sp.today.cost_usd.toFixed(2), "UTC day" + cap + " · month US$" + sp.month.cost_usd.toFixed(2));
}
function render() {
  $("status").textContent = online ? "Live" : "Offline"; $("status").className = "badge " + (online ? "live" : "offline");
  if (!state) return;
  const s = state, t = s.agent_totals || s.codex_totals;
  $("generated").textContent = "updated " + s.generated_at + " · " + s.backend + " on " + s.tracker_kind;
  $("cards").replaceChildren(
    card("Running", s.counts.running + " / " + s.max_concurrent_agents),
    card("Retrying", s.counts.retrying), card("Blocked", s.counts.blocked),
    card("Total tokens", fmt(t.total_tokens), "in " + fmt(t.input_tokens) + " · out " + fmt(t.output_tokens)),
    card("Cost", "US$" + (t.cost_usd || 0).toFixed(2), "priced models only"),
    ...(s.spend ? [spendCard(s.spend)] : []),
    card("Runtime", dur(t.seconds_running * 1000), t.runs_started !== undefined ? t.runs_started + " runs · " + t.runs_failed + " failed" : ""),
    card("Next poll", s.polling.checking ? "checking…" : until(s.polling.next_tick_at)));
  $("error").replaceChildren(); $("error").hidden = !s.last_error; if (s.last_error) $("error").append(s.last_error);
  $("limits").textContent = "agent: " + (s.rate_limits ? JSON.stringify(s.rate_limits) : "n/a") + "\\ntracker: " + (s.tracker_rate_limits ? JSON.stringify(s.tracker_rate_limits) : "n/a");
  table("running", ["Issue", "Title", "State", "Agent", "Turn", "Age", "Tokens", "Last event"], s.running.map((r) => row(r.issue_identifier, [
    el("td", {}, issueLink(r.issue_identifier, r.issue_url)), r.issue_title, r.state, r.backend + (r.profile ? " (" + r.profile + ")" : ""), num(r.turn_count), num(since(r.started_at)),
    num(fmt(r.tokens.total_tokens)), el("td", { class: "msg", title: r.last_message || "" }, r.last_message || (r.answer ? "answered in tracker: " + r.answer.text : r.last_event) || "-")])), "No agents running.");
  table("retrying", ["Issue", "Attempt", "Due", "Kind", "Error"], s.retrying.map((r) => row(r.issue_identifier, [
    el("td", {}, issueLink(r.issue_identifier, r.issue_url)), num(r.attempt), until(r.due_at), r.kind, el("td", { class: "msg" }, r.error || "-")])), "Retry queue is empty.");
  table("blocked", ["Issue", "State", "Waiting", "Question"], s.blocked.map((r) => row(r.issue_identifier, [
    el("td", {}, issueLink(r.issue_identifier, r.issue_url)), r.state, since(r.blocked_at), (r.waiting_in === "tracker" ? "waiting for answer in tracker · " : "") + r.kind + ": " + r.question])), "Nobody is being waited on.");
  table("skipped", ["Issue", "State", "Why not dispatched"], s.skipped.filter((r) => r.reason.kind !== "running").map((r) => row(r.issue_identifier, [
    r.issue_identifier, r.state, r.reason_text])), "Every candidate was dispatched.");
  table("recent", RUN_HEAD, (s.recent_runs || []).map(runRow), s.store ? "No run recorded yet." : "No store: run history is not kept.");
  table("leases", ["Issue", "Holder", "Host", "Last seen", "Expires"], (s.leases || []).map((l) => row(l.issue_identifier, [
    l.issue_identifier, l.worker_id, l.worker_host, since(l.last_seen), l.expired ? "expired" : until(l.expires_at)])), "No leases held.");
  renderDetail();
}
const RUN_HEAD = ["Started", "Issue", "Try", "Outcome", "Turns", "Tokens", "Cost", "Replay"];
function runRow(r) {
  const outcome = r.outcome + (r.error && r.error.code !== r.outcome ? " (" + r.error.code + ")" : "");
  const cost = r.cost_usd === null || r.cost_usd === undefined ? "-" : "US$" + r.cost_usd.toFixed(4);
  const replay = r.events_path ? el("code", {}, "symphony replay " + r.events_path) : "-";
  return row(r.issue_identifier, [r.started_at, r.issue_identifier, num(r.attempt ?? 1), outcome, num(r.turns), num(fmt(r.tokens.total_tokens)), num(cost), el("td", { class: "msg" }, replay)]);
}
async function openIssue(identifier) { selected = { identifier, data: null }; location.hash = "#/issue/" + encodeURIComponent(identifier); await loadIssue(); }
async function loadIssue() {
  if (!selected) return;
  const want = selected.identifier;
  try { const r = await fetch(withToken("/api/v1/" + encodeURIComponent(want))); const body = await r.json();
    if (selected && selected.identifier === want) selected.data = r.ok ? body : { error: body.error }; } catch (e) { if (selected) selected.data = { error: { message: String(e) } }; }
  renderDetail();
}
function renderDetail() {
  const box = $("detail");
  if (!selected) { box.hidden = true; return; }
  box.hidden = false; box.replaceChildren(el("span", { class: "close", onclick: () => { selected = null; history.replaceState(null, "", location.pathname + location.search); renderDetail(); } }, "close ✕"));
  const d = selected.data; box.append(el("h2", {}, "Issue " + selected.identifier));
  if (!d) { box.append(el("div", { class: "empty" }, "loading…")); return; }
  if (d.error) { box.append(el("div", { class: "empty" }, d.error.message || d.error.code)); return; }
  const url = d.issue_url ? safeUrl(d.issue_url) : null;
  box.append(el("div", {}, "status " + d.status + " · attempt " + (d.attempts.current_retry_attempt ?? 1) + " · workspace " + (d.workspace.path || "-") + " ", url ? el("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, "open in tracker") : null));
  if (d.issue_title) box.append(el("div", {}, d.issue_title));
  if (d.run_log) box.append(el("div", { class: "d" }, "run log " + d.run_log + " · events " + d.events_log));
  if (d.last_error) box.append(el("div", { class: "error" }, d.last_error));
  const items = [...(d.recent_events || [])];
  for (const e of timelines.get(selected.identifier) || []) if (!items.some((x) => x.at === e.at && x.message === e.message)) items.push(e);
  const tl = el("div", { class: "timeline" });
  for (const e of items.slice(-200)) tl.append(el("div", {}, el("span", { class: "ts" }, e.at), el("span", { class: "ev" }, e.event), e.message));
  box.append(el("h2", {}, "Recent events"), items.length ? tl : el("div", { class: "empty" }, "No events yet."));
  if (d.run_history && d.run_history.length) {
    const t = el("table", {}, el("thead", {}, el("tr", {}, ...RUN_HEAD.map((h) => el("th", {}, h)))));
    const body = el("tbody"); for (const r of d.run_history) body.append(runRow(r)); t.append(body);
    box.append(el("h2", {}, "Run history"), t);
  }
}
function connect() {
  if (source) source.close();
  source = new EventSource(withToken("/api/v1/events"));
  source.addEventListener("open", () => { online = true; retryMs = 500; render(); if (selected) loadIssue(); });
  source.addEventListener("state", (m) => { state = JSON.parse(m.data); online = true; render(); });
  source.addEventListener("agent_event", (m) => {
    const e = JSON.parse(m.data); const list = timelines.get(e.issue_identifier) || [];
    list.push(e); if (list.length > 200) list.shift(); timelines.set(e.issue_identifier, list);
    if (selected && selected.identifier === e.issue_identifier) renderDetail();
  });
  source.addEventListener("error", () => {
    online = false; render();
    // the browser retries by itself unless the stream was refused; then start over with backoff
    if (source.readyState === EventSource.CLOSED) { setTimeout(connect, retryMs); retryMs = Math.min(retryMs * 2, 5000); }
  });
}
const hash = decodeURIComponent(location.hash.replace(/^#\\/issue\\//, ""));
if (location.hash.startsWith("#/issue/") && hash) { selected = { identifier: hash, data: null }; loadIssue(); }
setInterval(render, 1000);
connect();
`;

const scriptHash = createHash("sha256").update(SCRIPT).digest("base64");

/** The Content-Security-Policy the page is served with: only its own inline script and style. */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  `script-src 'sha256-${scriptHash}'`,
  "style-src 'unsafe-inline'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** The dashboard HTML document (static; all data arrives over the API). */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Symphony</title><style>${STYLE}</style></head>
<body><header><h1>SYMPHONY</h1><span id="status" class="badge offline">Offline</span><span id="generated" class="meta"></span></header>
<main><div id="error" class="error" hidden></div><div id="cards" class="cards"></div><div id="detail" hidden></div>
<h2>Running</h2><div id="running"></div><h2>Blocked — waiting for a person</h2><div id="blocked"></div>
<h2>Retry queue</h2><div id="retrying"></div><h2>Not dispatched</h2><div id="skipped"></div>
<h2>Recent runs</h2><div id="recent"></div><h2>Leases</h2><div id="leases"></div>
<h2>Rate limits</h2><pre id="limits">n/a</pre></main>
<script>${SCRIPT}</script></body></html>`;
