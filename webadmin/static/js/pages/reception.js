// The reception page: the company's calls live (server-sent events from /api/reception/stream),
// and what the receptionist does with them: pick up, transfer, voicemail, hang up, queue members in or out.
import { post } from "../api.js";
import { t } from "../i18n.js";
import { session } from "../session.js";
import { fill, formDialog, h, table, toast } from "../ui.js";

const RETRY_MS = 5000; // after the server refused a stream (too many open): ask again this much later

const clock = (seconds) => {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
};
const callerWords = (c) => (c.caller_name ? `${c.caller_name} (${c.caller})` : c.caller || t("desk.unknown"));

async function act(path, json) {
  try {
    toast((await post(path, json)).message);
  } catch (error) {
    toast(error.message, "error");
  }
}

// "transfer": blind; "announce": the receptionist's own phone dials the target first (on a call she talks on).
function transferDialog(call, board, how = "transfer") {
  const users = board.users.map((u) => [`user:${u.id}`, u.extension ? `${u.name} (${u.extension})` : u.name]);
  const groups = board.groups.map((g) => [`group:${g.id}`, `${g.name} (${g.extension})`]);
  formDialog({
    title: t(`desk.${how}Title`, { caller: callerWords(call) }), submitLabel: t(`desk.${how}`),
    fields: [
      { name: "to", label: t("desk.transferTo"), type: "select", options: [["", "—"], ...users, ...groups] },
      { name: "number", label: t("desk.transferNumber"), help: t("desk.transferNumberHelp"), inputmode: "tel" },
    ],
    onSubmit: async ({ to, number }) => {
      const typed = number.trim();
      const [kind, id] = to.split(":");
      const target = typed ? { [/^[0-9]{2,6}$/.test(typed) ? "extension" : "number"]: typed } : { [kind]: Number(id) };
      toast((await post(`/api/reception/calls/${call.call}/${how}`, target)).message);
    },
  });
}

function voicemailDialog(call, board) {
  formDialog({
    title: t("desk.voicemailTitle", { caller: callerWords(call) }), submitLabel: t("desk.voicemail"),
    fields: [{ name: "box", label: t("desk.box"), type: "select", numeric: true,
      options: board.boxes.map((b) => [b.id, b.name]) }],
    onSubmit: async ({ box }) => {
      toast((await post(`/api/reception/calls/${call.call}/voicemail`, { box })).message);
    },
  });
}

function callActions(call, board, { pickUp = true } = {}) {
  const base = `/api/reception/calls/${call.call}`;
  const named = (key) => `${t(key)}: ${callerWords(call)}`;
  return h("div", { class: "row-actions" },
    pickUp ? h("button", { type: "button", class: "primary", "aria-label": named("desk.pickUp"),
      onclick: () => act(`${base}/pickup`, {}) }, t("desk.pickUp")) : null,
    h("button", { type: "button", "aria-label": named("desk.transfer"), onclick: () => transferDialog(call, board) },
      t("desk.transfer")),
    (call.user_ids || []).includes(session.me?.user_id) ? h("button", { type: "button", "aria-label": named("desk.announce"),
      onclick: () => transferDialog(call, board, "announce") }, t("desk.announce")) : null,
    board.boxes.length ? h("button", { type: "button", "aria-label": named("desk.voicemail"),
      onclick: () => voicemailDialog(call, board) }, t("desk.voicemail")) : null,
    h("button", { type: "button", class: "danger", "aria-label": named("desk.hangUp"),
      onclick: () => act(`${base}/hangup`, {}) }, t("desk.hangUp")));
}

function queueMember(user, queue) {
  const set = (status) => act(`/api/reception/agents/${encodeURIComponent(queue.agent)}/status`, { status });
  const offer = { available: ["logged_out", "on_break"], logged_out: ["available"], on_break: ["available"] }[queue.status];
  return h("li", {}, `${queue.queue}: ${t(`desk.agent.${queue.status}`)} `,
    offer.map((status) => h("button", { type: "button", class: "small",
      "aria-label": `${t(`desk.set.${status}`)}: ${user.name}, ${queue.queue}`, onclick: () => set(status) },
    t(`desk.set.${status}`))));
}

function tables(board, age) {
  const waited = (c) => clock(age(c.since));
  return [
    h("h2", {}, t("desk.waiting", { n: board.waiting.length })),
    table([
      { label: t("desk.position"), value: (c) => String(c.position) },
      { label: t("desk.queue"), value: (c) => c.queue },
      { label: t("desk.caller"), value: callerWords },
      { label: t("desk.mainNumber"), value: (c) => c.main_number || "" },
      { label: t("desk.branch"), value: (c) => c.branch || "" },
      { label: t("desk.waited"), value: (c) => h("span", { class: "ticking", "data-since": c.since }, waited(c)) },
      { label: t("actions"), value: (c) => callActions(c, board) },
    ], board.waiting, { empty: t("desk.nobodyWaits") }),
    h("h2", {}, t("desk.calls")),
    table([
      { label: t("desk.state"), value: (c) => t(`desk.call.${c.state}`) },
      { label: t("desk.caller"), value: callerWords },
      { label: t("desk.with"), value: (c) => c.with.join(", ") },
      { label: t("desk.mainNumber"), value: (c) => c.main_number || "" },
      { label: t("desk.duration"), value: (c) => h("span", { class: "ticking", "data-since": c.since }, waited(c)) },
      { label: t("actions"), value: (c) => callActions(c, board, { pickUp: c.state === "ringing" }) },
    ], board.calls, { empty: t("desk.noCalls") }),
    h("h2", {}, t("desk.users")),
    table([
      { label: t("name"), value: (u) => u.name },
      { label: t("extension"), value: (u) => u.extension || "" },
      { label: t("desk.state"), value: (u) => h("span", { class: `user-state ${u.state}` }, t(`desk.user.${u.state}`)) },
      { label: t("desk.queues"), value: (u) => (u.queues.length
        ? h("ul", { class: "queue-members" }, u.queues.map((q) => queueMember(u, q))) : "") },
    ], board.users),
  ];
}

export async function receptionPage() {
  const status = h("p", { class: "note", role: "status" }, t("desk.connecting"));
  const content = h("div", { class: "reception-board" });
  const section = h("section", { class: "reception" }, h("h1", {}, t("desk.title")), status, content);
  let board = null;
  let offset = 0; // the server's clock minus ours, in seconds
  const age = (since) => Date.now() / 1000 + offset - Date.parse(since) / 1000;
  // The stream pushes every change: an action's result shows within a few seconds.
  const draw = () => fill(content, tables(board, age));
  let source = null;
  function open() {
    if (!section.isConnected && source) return;
    source = new EventSource("/api/reception/stream");
    source.onmessage = (event) => {
      if (!section.isConnected) { source.close(); return; }
      board = JSON.parse(event.data);
      offset = board.now - Date.now() / 1000;
      status.textContent = board.unreachable.length ? t("desk.switchAway", { list: board.unreachable.join(", ") }) : "";
      draw();
    };
    source.onerror = () => {
      if (!section.isConnected) { source.close(); return; }
      status.textContent = t("desk.reconnecting");
      if (source.readyState === EventSource.CLOSED) setTimeout(open, RETRY_MS);
    };
  }
  const ticker = setInterval(() => {
    if (!section.isConnected && source) { clearInterval(ticker); source.close(); return; }
    for (const span of content.querySelectorAll(".ticking")) span.textContent = clock(age(span.dataset.since));
  }, 1000);
  open();
  return section;
}
