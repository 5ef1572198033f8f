// The sandbox page: a Slack-like client for one person at a time, fed by /api/state and
// kept live by Server-Sent Events. Everything a person does is POSTed to the sandbox
// server, which turns it into the signed request Slack would send to Casebook.
import { closeMenus, el, renderBlocks, setLinkHandler, showMenu, zoomable } from "./blocks.js";
import { renderMrkdwn } from "./mrkdwn.js";
import { renderQueued } from "./jobs.js";
import { attachMentions, encodeMentions } from "./mentions.js";
import { focusOf, gatherValues, renderModal, restoreFocus, restoreValues, setBanner, showErrors } from "./modal.js";

const $ = (id) => document.getElementById(id);
const S = {
  me: localStorage.getItem("casebook.sandbox.me"),
  channel: null, tab: "messages", thread: null, data: null, fetchedAt: 0,
  modalKey: null, drafts: {}, homeOpenedFor: null,
  busy: false, again: false,
};

// --- API --------------------------------------------------------------------------------------
async function post(path, body) {
  let res;
  try {
    res = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  } catch {
    toast("The sandbox server is not answering.");
    return { ok: false };
  }
  const data = await res.json().catch(() => ({ ok: false, error: `HTTP ${res.status}` }));
  if (!data.ok && data.error) toast(data.error);
  return data;
}

function toast(message, kind = "error") {
  const node = el("div", `toast ${kind}`, message);
  node.dataset.testid = "toast";
  $("toasts").append(node);
  setTimeout(() => node.remove(), 6000);
}

async function refresh() {
  if (S.busy) { S.again = true; return; }
  S.busy = true;
  const asked = { me: S.me, channel: S.channel, thread: S.thread };
  try {
    // read=0 on the Home tab: the badge of the app's Messages stays until they are looked at.
    const q = new URLSearchParams({ user: S.me || "", channel: S.channel || "", read: S.tab === "home" ? "0" : "1" });
    if (S.thread) q.set("thread", S.thread);
    const res = await fetch(`/api/state?${q}`);
    const data = await res.json();
    if (!res.ok) { toast(data.error || "could not load"); return; }
    // The person, conversation or thread changed while this was in flight: ask again.
    if (asked.me !== S.me || asked.channel !== S.channel || asked.thread !== S.thread) {
      S.again = true;
      return;
    }
    S.data = data;
    S.fetchedAt = Date.now();
    if (!S.me) S.me = data.me;
    if (!S.channel) S.channel = data.channel;
    render();
  } catch {
    // the server restarted or is resetting; the next change event brings us back
  } finally {
    S.busy = false;
    if (S.again) { S.again = false; refresh(); }
  }
}

let timer = null;
function soon() { clearTimeout(timer); timer = setTimeout(refresh, 40); }

// --- helpers ------------------------------------------------------------------------------------
const user = (id) => S.data.users.find((u) => u.id === id);
const userName = (id) => user(id)?.name || id;
const channelName = (id) => S.data.conversations.find((c) => c.id === id)?.name || id;
const meTz = () => user(S.me)?.tz || S.data.program_tz;
const ctxFor = (source) => ({
  me: S.me, users: S.data.users, userName, channelName, source, onAction, tz: meTz(), now: nowEpoch(),
});

function fmt(epoch, options, tz = meTz()) {
  return new Intl.DateTimeFormat("en-US", { timeZone: tz, ...options }).format(new Date(epoch * 1000));
}

function avatar(id) {
  const name = userName(id);
  const node = el("div", "avatar", id === "U0CBBOT" ? "CB" : name.split(/\s+/).map((p) => p[0]).join("").slice(0, 2).toUpperCase());
  let hash = 0;
  for (const ch of id) hash = (hash * 31 + ch.charCodeAt(0)) % 360;
  node.style.background = id === "U0CBBOT" ? "#4a154b" : `hsl(${hash}, 45%, 42%)`;
  return node;
}

// --- actions ------------------------------------------------------------------------------------
async function onAction(source, blockIndex, elementIndex, value) {
  const body = { user: S.me, source, block_index: blockIndex, element_index: elementIndex, value };
  if (source.kind === "view") body.values = gatherValues(document.querySelector("#modal-root .modal"));
  await post("/api/action", body);
}

async function send(text, threadTs) {
  const trimmed = text.trim();
  if (!trimmed) return false;
  const command = trimmed.startsWith("/");
  const encoded = encodeMentions(trimmed, mentionable(), { command });
  const body = { user: S.me, channel: S.channel, text: encoded, thread_ts: threadTs || null };
  const res = await post(command ? "/api/command" : "/api/message", body);
  return res.ok || command;
}

function mentionable() {
  return S.data ? S.data.users.filter((u) => !u.is_bot) : [];
}

// --- permalinks: a link to a message of this workspace opens it here, as in Slack's client -----------
const isPermalink = (url) => Boolean(S.data && url.startsWith(`${S.data.permalink_base}/`));

async function openPermalink(url) {
  const res = await post("/api/permalink", { url });
  if (!res.ok) return;
  S.channel = res.channel;
  S.thread = res.thread_ts || null;
  S.tab = "messages";
  S.highlight = res.ts;
  refresh();
}

function showHighlight() {
  if (!S.highlight) return;
  const node = document.querySelector(`#timeline [data-ts="${S.highlight}"], #thread-list [data-ts="${S.highlight}"]`);
  if (!node) return;
  S.highlight = null;
  node.scrollIntoView({ block: "center" });
  node.classList.add("highlight");
  setTimeout(() => node.classList.remove("highlight"), 4000);
}

function openHome() {
  S.homeOpenedFor = S.me;
  post("/api/home", { user: S.me });
}

// --- rendering: messages --------------------------------------------------------------------------
function messageNode(item, { inThread = false, compact = false } = {}) {
  const eph = item.kind === "ephemeral";
  const node = el("div", `msg${eph ? " ephemeral" : ""}${compact ? " compact" : ""}`);
  node.dataset.kind = item.kind;
  node.dataset.ts = item.ts;
  node.dataset.testid = eph ? "ephemeral" : "message";
  const gutter = el("div", "msg-gutter");
  if (compact) gutter.append(el("span", "msg-time-hover", fmt(item.time, { hour: "numeric", minute: "2-digit" }).replace(/\s?[AP]M$/, "")));
  else gutter.append(avatar(item.user));
  const body = el("div", "msg-body");
  if (!compact) {
    const head = el("div", "msg-head");
    head.append(el("span", "msg-author", userName(item.user)));
    if (item.is_bot) head.append(el("span", "app-badge", "APP"));
    head.append(el("span", "msg-time", fmt(item.time, { hour: "numeric", minute: "2-digit" })));
    body.append(head);
  }
  if (eph) {
    const note = el("div", "eph-note");
    note.append(el("span", "eph-eye", "👁"), el("span", "", "Only visible to you"));
    const dismiss = el("button", "link-btn", "Dismiss");
    dismiss.type = "button";
    dismiss.addEventListener("click", () => post("/api/dismiss", { user: S.me, id: item.id }));
    note.append(dismiss);
    body.prepend(note);
  }
  const source = eph ? { kind: "ephemeral", id: item.id } : { kind: "message", channel: item.channel, ts: item.ts };
  const content = item.blocks && item.blocks.length
    ? renderBlocks(item.blocks, ctxFor(source))
    : (() => { const d = el("div", "msg-text mrkdwn"); d.append(renderMrkdwn(item.text, ctxFor(source))); return d; })();
  body.append(content);
  if (item.edited) body.append(el("span", "edited", "(edited)"));
  for (const file of item.files || []) body.append(fileNode(file));
  if (!inThread && item.reply_count) {
    const link = el("button", "thread-link");
    link.type = "button";
    link.dataset.testid = "thread-link";
    link.append(el("span", "", `${item.reply_count} ${item.reply_count === 1 ? "reply" : "replies"}`));
    if (item.latest_reply) link.append(el("span", "thread-last", `Last reply ${fmt(item.latest_reply, { hour: "numeric", minute: "2-digit" })}`));
    link.addEventListener("click", () => openThread(item.ts));
    body.append(link);
  }
  node.append(gutter, body);
  if (!eph) node.append(hoverBar(item, inThread));
  return node;
}

function fileNode(file) {
  const wrap = el("div", "file");
  wrap.dataset.testid = "file";
  if (file.is_image && file.uploaded) {
    wrap.append(el("div", "file-title", file.title));
    const img = el("img", "file-image");
    img.src = file.url;
    img.alt = file.title;
    zoomable(img);
    wrap.append(img);
  } else {
    const a = el("a", "file-chip", `📄 ${file.title}${file.uploaded ? "" : " (upload incomplete)"}`);
    if (file.uploaded) { a.href = file.url; a.download = file.name; }
    wrap.append(a);
  }
  return wrap;
}

function hoverBar(item, inThread) {
  const bar = el("div", "msg-actions");
  if (!inThread) {
    const reply = el("button", "icon-btn", "💬");
    reply.type = "button";
    reply.title = "Reply in thread";
    reply.addEventListener("click", () => openThread(item.ts));
    bar.append(reply);
  }
  const more = el("button", "icon-btn", "⋮");
  more.type = "button";
  more.title = "More actions";
  more.dataset.testid = "more-actions";
  more.addEventListener("click", (ev) => {
    ev.stopPropagation();
    showMenu(more, S.data.shortcuts.map((s) => ({
      label: s.name, detail: "Casebook", testid: `shortcut-${s.callback_id}`,
      onClick: () => post("/api/shortcut", { user: S.me, channel: item.channel, ts: item.ts, callback_id: s.callback_id }),
    })));
  });
  bar.append(more);
  return bar;
}

function renderList(container, items, options = {}) {
  let lastDay = null;
  let prev = null;
  for (const item of items) {
    const day = fmt(item.time, { weekday: "long", month: "long", day: "numeric", year: "numeric" });
    if (!options.inThread && day !== lastDay) {
      const divider = el("div", "day-divider");
      divider.append(el("span", "", day));
      container.append(divider);
      prev = null;
    }
    lastDay = day;
    const compact = prev && prev.user === item.user && prev.kind === item.kind && item.time - prev.time < 300 && !prev.reply_count;
    container.append(messageNode(item, { ...options, compact }));
    prev = item;
  }
}

function renderTimeline() {
  const box = $("timeline");
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 60;
  const old = box.scrollTop;
  box.replaceChildren();
  const conv = S.data.conversations.find((c) => c.id === S.channel);
  const intro = el("div", "conv-intro");
  if (conv?.kind === "app") {
    intro.append(el("h3", "", "Casebook"), el("p", "", "This is your DM with Casebook. Type /casebook help to start."));
  } else {
    intro.append(el("h3", "", `#${conv?.name ?? ""}`), el("p", "", "Everyone in the sandbox can read and post here."));
  }
  box.append(intro);
  renderList(box, S.data.timeline);
  box.scrollTop = atBottom || S.toEnd ? box.scrollHeight : old;
  S.toEnd = false;
}

function renderThread() {
  const pane = $("thread");
  const thread = S.data.thread;
  pane.hidden = !thread;
  if (!thread) return;
  const conv = S.data.conversations.find((c) => c.id === S.channel);
  $("thread-channel").textContent = conv?.kind === "app" ? conv.name : `#${conv?.name ?? ""}`;
  const list = $("thread-list");
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 60;
  list.replaceChildren(messageNode(thread.parent, { inThread: true }));
  const count = thread.replies.filter((r) => r.kind === "message").length;
  const divider = el("div", "thread-count");
  divider.append(el("span", "", `${count} ${count === 1 ? "reply" : "replies"}`));
  list.append(divider);
  renderList(list, thread.replies, { inThread: true });
  if (atBottom) list.scrollTop = list.scrollHeight;
}

function openThread(ts) { S.thread = ts; refresh().then(() => $("thread-input").focus()); }

// --- rendering: chrome ------------------------------------------------------------------------------
function renderPeople() {
  const select = $("person");
  const key = S.data.people.map((p) => p.id).join();
  if (select.dataset.key !== key) {
    select.replaceChildren(...S.data.people.map((p) => {
      const opt = el("option", "", `${p.name} — ${p.roles.join(", ")}`);
      opt.value = p.id;
      return opt;
    }));
    select.dataset.key = key;
  }
  select.value = S.me;
  const me = user(S.me);
  $("me-meta").textContent = me ? `${me.tz} · ${fmt(nowEpoch(), { hour: "numeric", minute: "2-digit" })} local` : "";
}

function renderSidebar() {
  const apps = [];
  const channels = [];
  for (const conv of S.data.conversations) {
    const unread = conv.unread; // read marks are kept by the server, as Slack keeps them
    const item = el("li", `conv${conv.id === S.channel ? " active" : ""}${unread > 0 ? " unread" : ""}`);
    item.dataset.testid = "conversation";
    item.dataset.convId = conv.id;
    item.dataset.convName = conv.name;
    item.append(el("span", "conv-icon", conv.kind === "app" ? "◆" : "#"), el("span", "conv-name", conv.name));
    if (unread > 0) item.append(el("span", "badge", String(unread)));
    item.addEventListener("click", () => selectConversation(conv.id));
    (conv.kind === "app" ? apps : channels).push(item);
  }
  $("apps").replaceChildren(...apps);
  $("channels").replaceChildren(...channels);
}

function renderHeader() {
  const conv = S.data.conversations.find((c) => c.id === S.channel);
  const head = $("conv-header");
  const title = el("div", "conv-title");
  const isApp = conv?.kind === "app";
  title.append(el("span", "", isApp ? "Casebook" : `# ${conv?.name ?? ""}`));
  if (isApp) title.append(el("span", "app-badge", "APP"));
  head.replaceChildren(title);
  const tabs = $("tabs");
  tabs.hidden = !isApp;
  if (!isApp) S.tab = "messages";
  for (const button of tabs.querySelectorAll("button")) button.classList.toggle("active", button.dataset.tab === S.tab);
  const home = S.tab === "home";
  $("timeline").hidden = home;
  $("home").hidden = !home;
  // The manifests' messages_tab_read_only_enabled: Slack replaces the DM's composer with a note.
  const readOnly = isApp && S.data.dm_read_only;
  $("composer").hidden = home || readOnly;
  $("composer-readonly").hidden = home || !readOnly;
  $("composer-input").placeholder = isApp ? "Message Casebook — try /casebook help" : `Message #${conv?.name ?? ""}`;
}

function renderHome() {
  if (S.tab !== "home") return;
  const box = $("home");
  const view = S.data.home;
  const inner = el("div", "home-inner");
  if (!view) inner.append(el("p", "muted", "Casebook has not published a Home tab for you yet…"));
  else inner.append(renderBlocks(view.blocks, ctxFor({ kind: "home" })));
  box.replaceChildren(inner);
}

function renderModalLayer() {
  const root = $("modal-root");
  const modal = S.data.modal;
  const key = modal ? JSON.stringify([S.me, modal.depth, modal.view]) : null;
  if (key === S.modalKey) return;
  // Like Slack, what was typed survives views.update and a pushed view on top of it.
  const previous = root.querySelector(".modal");
  if (previous) S.drafts[previous.dataset.viewId] = gatherValues(previous);
  const typing = previous ? focusOf(previous) : null;
  S.modalKey = key;
  root.replaceChildren();
  if (!modal) { S.drafts = {}; return; }
  const carry = S.drafts[modal.view.id];
  const view = modal.view;
  const node = renderModal(view, modal.depth, ctxFor({ kind: "view", view_id: view.id }), {
    submit: async (values) => {
      const res = await post("/api/submit", { user: S.me, view_id: view.id, values });
      const box = root.querySelector(".modal");
      if (!box) return;
      if (!res.ok) setBanner(box, res.error || "We had some trouble connecting. Try again?");
      else showErrors(box, res.errors || {});
    },
    close: (everything) => post("/api/close", { user: S.me, view_id: view.id, everything }),
  });
  root.append(node);
  if (carry) restoreValues(node, carry);
  if (typing && previous?.dataset.viewId === view.id) restoreFocus(node, typing);
  const first = node.querySelector("input, textarea, select");
  if (first && !previous) first.focus();
}

function nowEpoch() {
  return S.data.now + (Date.now() - S.fetchedAt) / 1000;
}

function renderClock() {
  if (!S.data) return;
  $("clock").textContent = `Sandbox now: ${fmt(nowEpoch(), {
    weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short",
  }, S.data.program_tz)}`;
}

function renderTimePanel() {
  const jobs = S.data.jobs;
  fillOnce($("job-name"), jobs.names);
  $("job-run").disabled = !jobs.available;
  $("jobs-note").textContent = jobs.available ? "" : jobs.message;
  const slack = S.data.slack;
  fillOnce($("fault-method"), ["any method", ...slack.methods]);
  fillOnce($("fault-kind"), slack.faults);
  $("slack-down").checked = slack.down;
  $("fault-status").textContent = (slack.down ? "Slack is down. " : "")
    + (slack.pending_faults ? `${slack.pending_faults} injected fault(s) still pending.` : "");
  $("tz-name").textContent = S.data.program_tz;
  $("workspace-name").textContent = S.data.program;
}

function fillOnce(select, names) {
  if (select.dataset.key === names.join()) return;
  select.replaceChildren(...names.map((n) => { const o = el("option", "", n); o.value = n; return o; }));
  select.dataset.key = names.join();
}

function render() {
  document.body.dataset.viewing = S.data.me; // whose client this render shows (tests wait on it)
  renderPeople();
  renderSidebar();
  renderHeader();
  if (S.tab === "messages") renderTimeline();
  renderHome();
  renderThread();
  renderModalLayer();
  renderClock();
  renderTimePanel();
  showHighlight();
  if (S.tab === "home" && S.homeOpenedFor !== S.me) openHome();
}

// --- navigation ---------------------------------------------------------------------------------------
function selectConversation(id) {
  S.toEnd = true;
  S.channel = id;
  S.thread = null;
  S.tab = "messages";
  refresh();
}

function selectTab(tab) {
  S.tab = tab;
  if (tab === "home") openHome();
  refresh();
}

function switchPerson(id) {
  S.toEnd = true;
  S.me = id;
  localStorage.setItem("casebook.sandbox.me", id);
  S.channel = null;
  S.thread = null;
  S.tab = "messages";
  S.homeOpenedFor = null;
  refresh();
}

// --- wiring -------------------------------------------------------------------------------------------
function composer(form, input, threadTs) {
  const submit = async () => {
    const text = input.value;
    if (await send(text, threadTs())) { input.value = ""; input.style.height = ""; }
  };
  form.addEventListener("submit", (ev) => { ev.preventDefault(); submit(); });
  attachMentions(input, mentionable); // before Enter-to-send: Enter first picks a suggestion
  input.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && !ev.shiftKey) { ev.preventDefault(); submit(); }
  });
  input.addEventListener("input", () => { input.style.height = ""; input.style.height = `${Math.min(input.scrollHeight, 160)}px`; });
}

async function moveClock(when, button) {
  const res = await post("/api/clock", { now: when });
  if (!res.ok) return;
  button.disabled = true;
  button.textContent = "Clock moved ✓";
  $("now-input").value = res.now_local;
  $("job-at").value = res.now_local;
  toast(`Sandbox time set to ${when.replace("T", " ")}.`, "info");
  refresh();
}

function wire() {
  $("person").addEventListener("change", (ev) => switchPerson(ev.target.value));
  for (const button of $("tabs").querySelectorAll("button")) button.addEventListener("click", () => selectTab(button.dataset.tab));
  composer($("composer"), $("composer-input"), () => null);
  composer($("thread-composer"), $("thread-input"), () => S.thread);
  $("thread-close").addEventListener("click", () => { S.thread = null; refresh(); });
  $("time-toggle").addEventListener("click", (ev) => {
    ev.stopPropagation();
    const panel = $("time-panel");
    panel.hidden = !panel.hidden;
    if (!panel.hidden && S.data) { $("now-input").value = S.data.now_local; $("job-at").value = S.data.now_local; }
  });
  $("now-set").addEventListener("click", async () => {
    const res = await post("/api/clock", { now: $("now-input").value });
    if (res.ok) { $("job-at").value = res.now_local; toast("Sandbox time set.", "info"); refresh(); }
  });
  $("job-run").addEventListener("click", async () => {
    $("job-result").textContent = "Running…";
    $("job-queued").replaceChildren();
    const res = await post("/api/job", { name: $("job-name").value, at: $("job-at").value || null });
    $("job-result").textContent = res.ok ? res.result : (res.error || "failed");
    if (res.ok) renderQueued($("job-queued"), res.queued, moveClock);
  });
  $("program-load").addEventListener("click", async () => {
    $("program-load").disabled = true;
    $("program-result").textContent = "Loading weeks 9–12… (about half a minute)";
    const res = await post("/api/program", {});
    $("program-load").disabled = false;
    $("program-result").textContent = res.ok ? res.result : (res.error || "failed");
    if (res.ok) { $("now-input").value = ""; refresh(); }
  });
  $("report-build").addEventListener("click", async () => {
    $("program-result").textContent = "Building the report…";
    const res = await post("/api/report", {});
    const box = $("program-result");
    box.replaceChildren(res.ok ? res.result + " " : (res.error || "failed"));
    if (res.ok) {
      const link = el("a", "", "Open the report");
      link.href = res.url;
      link.target = "_blank";
      link.rel = "noopener";
      link.dataset.testid = "report-link";
      box.append(link);
    }
  });
  $("fault-add").addEventListener("click", async () => {
    const method = $("fault-method").value;
    const res = await post("/api/fault", {
      method: method === "any method" ? null : method, kind: $("fault-kind").value, count: Number($("fault-count").value),
    });
    if (res.ok) refresh();
  });
  $("slack-down").addEventListener("change", async (ev) => {
    await post("/api/outage", { down: ev.target.checked });
    refresh();
  });
  $("reset").addEventListener("click", async () => {
    if (!window.confirm("Start the sandbox over? All messages and data are wiped.")) return;
    $("reset").disabled = true;
    const res = await post("/api/reset", {});
    $("reset").disabled = false;
    if (res.ok) { S.thread = null; S.channel = null; S.tab = "messages"; S.homeOpenedFor = null; toast("The sandbox starts over.", "info"); refresh(); }
  });
  document.addEventListener("keydown", (ev) => { if (ev.key === "Escape") closeMenus(); });
  setLinkHandler((url) => { if (!isPermalink(url)) return false; openPermalink(url); return true; });
  document.addEventListener("click", (ev) => {
    const link = ev.target.closest && ev.target.closest("a[href]");
    if (link && isPermalink(link.href)) { ev.preventDefault(); openPermalink(link.href); }
  }, true);
  const events = new EventSource("/api/events");
  events.addEventListener("change", soon);
  setInterval(renderClock, 1000);
  setInterval(soon, 15000); // a safety net if the event stream is interrupted
}

wire();
// A (re)loaded page is a new Slack client: open modals and ephemeral messages are gone.
post("/api/client-start", {}).then(refresh);
