// The reception page: the company's calls live (server-sent events from /api/reception/stream),
// and what the receptionist does with them: pick up, transfer, voicemail, hang up, queue members in or out.
import { post } from "../api.js";
import { t } from "../i18n.js";
import { fill, formDialog, h, table, toast } from "../ui.js";

const RETRY_MS = 5000; // after the server refused a stream (too many open): ask again this much later

const clock = (seconds) => {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
};
const callerWords = (c) => (c.caller_name ? `${c.caller_name} (${c.caller})` : c.caller || t("rec.unknown"));

async function act(path, json) {
  try {
    toast((await post(path, json)).message);
  } catch (error) {
    toast(error.message, "error");
  }
}

function transferDialog(call, board) {
  const users = board.users.map((u) => [`user:${u.id}`, u.extension ? `${u.name} (${u.extension})` : u.name]);
  const groups = board.groups.map((g) => [`group:${g.id}`, `${g.name} (${g.extension})`]);
  formDialog({
    title: t("rec.transferTitle", { caller: callerWords(call) }), submitLabel: t("rec.transfer"),
    fields: [
      { name: "to", label: t("rec.transferTo"), type: "select", options: [["", "—"], ...users, ...groups] },
      { name: "number", label: t("rec.transferNumber"), help: t("rec.transferNumberHelp"), inputmode: "tel" },
    ],
    onSubmit: async ({ to, number }) => {
      const typed = number.trim();
      const [kind, id] = to.split(":");
      const target = typed ? { [/^[0-9]{2,6}$/.test(typed) ? "extension" : "number"]: typed } : { [kind]: Number(id) };
      toast((await post(`/api/reception/calls/${call.call}/transfer`, target)).message);
    },
  });
}

function voicemailDialog(call, board) {
  formDialog({
    title: t("rec.voicemailTitle", { caller: callerWords(call) }), submitLabel: t("rec.voicemail"),
    fields: [{ name: "box", label: t("rec.box"), type: "select", numeric: true,
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
    pickUp ? h("button", { type: "button", class: "primary", "aria-label": named("rec.pickUp"),
      onclick: () => act(`${base}/pickup`, {}) }, t("rec.pickUp")) : null,
    h("button", { type: "button", "aria-label": named("rec.transfer"), onclick: () => transferDialog(call, board) },
      t("rec.transfer")),
    board.boxes.length ? h("button", { type: "button", "aria-label": named("rec.voicemail"),
      onclick: () => voicemailDialog(call, board) }, t("rec.voicemail")) : null,
    h("button", { type: "button", class: "danger", "aria-label": named("rec.hangUp"),
      onclick: () => act(`${base}/hangup`, {}) }, t("rec.hangUp")));
}

function queueMember(user, queue) {
  const set = (status) => act(`/api/reception/agents/${encodeURIComponent(queue.agent)}/status`, { status });
  const offer = { available: ["logged_out", "on_break"], logged_out: ["available"], on_break: ["available"] }[queue.status];
  return h("li", {}, `${queue.queue}: ${t(`rec.agent.${queue.status}`)} `,
    offer.map((status) => h("button", { type: "button", class: "small",
      "aria-label": `${t(`rec.set.${status}`)}: ${user.name}, ${queue.queue}`, onclick: () => set(status) },
    t(`rec.set.${status}`))));
}

function tables(board, age) {
  const waited = (c) => clock(age(c.since));
  return [
    h("h2", {}, t("rec.waiting", { n: board.waiting.length })),
    table([
      { label: t("rec.position"), value: (c) => String(c.position) },
      { label: t("rec.queue"), value: (c) => c.queue },
      { label: t("rec.caller"), value: callerWords },
      { label: t("rec.mainNumber"), value: (c) => c.main_number || "" },
      { label: t("rec.branch"), value: (c) => c.branch || "" },
      { label: t("rec.waited"), value: (c) => h("span", { class: "ticking", "data-since": c.since }, waited(c)) },
      { label: t("actions"), value: (c) => callActions(c, board) },
    ], board.waiting, { empty: t("rec.nobodyWaits") }),
    h("h2", {}, t("rec.calls")),
    table([
      { label: t("rec.state"), value: (c) => t(`rec.call.${c.state}`) },
      { label: t("rec.caller"), value: callerWords },
      { label: t("rec.with"), value: (c) => c.with.join(", ") },
      { label: t("rec.mainNumber"), value: (c) => c.main_number || "" },
      { label: t("rec.duration"), value: (c) => h("span", { class: "ticking", "data-since": c.since }, waited(c)) },
      { label: t("actions"), value: (c) => callActions(c, board, { pickUp: c.state === "ringing" }) },
    ], board.calls, { empty: t("rec.noCalls") }),
    h("h2", {}, t("rec.users")),
    table([
      { label: t("name"), value: (u) => u.name },
      { label: t("extension"), value: (u) => u.extension || "" },
      { label: t("rec.state"), value: (u) => h("span", { class: `user-state ${u.state}` }, t(`rec.user.${u.state}`)) },
      { label: t("rec.queues"), value: (u) => (u.queues.length
        ? h("ul", { class: "queue-members" }, u.queues.map((q) => queueMember(u, q))) : "") },
    ], board.users),
  ];
}

export async function receptionPage() {
  const status = h("p", { class: "note", role: "status" }, t("rec.connecting"));
  const content = h("div", { class: "reception-board" });
  const section = h("section", { class: "reception" }, h("h1", {}, t("rec.title")), status, content);
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
      status.textContent = board.unreachable.length ? t("rec.switchAway", { list: board.unreachable.join(", ") }) : "";
      draw();
    };
    source.onerror = () => {
      if (!section.isConnected) { source.close(); return; }
      status.textContent = t("rec.reconnecting");
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
