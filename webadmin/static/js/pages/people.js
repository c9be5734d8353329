// People and their things: where an object is used (asked before a change), a user's SIP account,
// a voicemail box's inbox.
import { del, get, post } from "../api.js";
import { formatTime, t } from "../i18n.js";
import { canEdit, isOwner } from "../session.js";
import { fill, h, table, toast } from "../ui.js";

const quoted = (name) => `„${name}”`;
const branchWord = (branch) => (/^[0-9*#]$/.test(branch) ? t("br.key", { key: branch }) : t(`br.${branch}`));

function routeWords(place, object) {
  const steps = place.route.map((s) => `${t(`kind.${s.kind}`)} ${quoted(s.name)}${s.branch ? ` ${branchWord(s.branch)}` : ""}`);
  const live = place.states.includes("published");
  const where = live
    ? t(place.states.includes("draft") ? "use.liveAndDraft" : "use.live", { number: place.number, n: place.version })
    : t("use.draft", { number: place.number });
  return `${[...steps, object].filter(Boolean).join(" → ")} (${where})`;
}

// One place in words; `object` names what is asked about at the end of a route ("grupa „Sprzedaż”").
export function placeWords(place, object) {
  if (place.where === "scenario") return routeWords(place, object);
  if (place.where === "group" && place.through) {
    const own = t(`use.group.${place.role}`, { name: quoted(place.name) });
    const routes = place.through.map((p) => placeWords(p, t("use.groupObject", { name: quoted(place.name) })));
    return routes.length ? `${own}, ${t("use.ringing")}: ${routes.join("; ")}` : own;
  }
  return t(`use.${place.where}.${place.role}`, { name: quoted(place.name), number: place.number });
}

function choice({ title, lead, items, note, confirmLabel }) {
  return new Promise((resolve) => {
    const answer = (value) => { dialog.returnValue = value ? "yes" : ""; dialog.close(); };
    const dialog = h("dialog", { "aria-label": title, class: "usages" },
      h("h2", {}, title), lead ? h("p", {}, lead) : null,
      items.length ? h("ul", { class: "usage-list" }, items.map((text) => h("li", {}, text))) : null,
      note ? h("p", { class: "note" }, note) : null,
      h("div", { class: "buttons" },
        confirmLabel ? h("button", { type: "button", class: "danger", onclick: () => answer(true) }, confirmLabel) : null,
        h("button", { type: "button", onclick: () => answer(false) }, confirmLabel ? t("cancel") : t("close"))));
    dialog.addEventListener("close", () => { dialog.remove(); resolve(dialog.returnValue === "yes"); });
    document.body.append(dialog);
    dialog.showModal();
  });
}

// Before deleting: every place using the object, and whether the server would refuse.
export async function confirmDelete(endpoint, row, name, object) {
  const { usages, refused } = await get(`${endpoint}/${row.id}/usages`);
  const items = usages.map((place) => placeWords(place, object));
  if (refused.length) {
    await choice({ title: t("use.cannotDelete", { name: quoted(name) }), lead: t("use.usedIn"), items,
      note: t("use.removeFirst") });
    return false;
  }
  return choice({ title: t("confirmDelete", { name }), lead: items.length ? t("use.usedIn") : t("use.unused"), items,
    note: items.length ? t("use.changesLive") : null, confirmLabel: items.length ? t("use.deleteAnyway") : t("delete") });
}

// Before deleting what nothing else uses (a contact).
export const confirmDeleteUnused = (name) => choice({ title: t("confirmDelete", { name }), items: [],
  confirmLabel: t("delete") });

// Before saving a change: asked only when a published scenario, a number or a group's route relies on it.
export async function confirmChange(endpoint, row, name, object) {
  const { usages } = await get(`${endpoint}/${row.id}/usages`);
  const live = usages.filter((p) => (p.states || []).includes("published") || p.where === "main_number"
    || (p.through || []).length);
  if (!live.length) return true;
  return choice({ title: t("use.changeTitle", { name: quoted(name) }), lead: t("use.liveLead"),
    items: live.map((place) => placeWords(place, object)), confirmLabel: t("use.saveAnyway") });
}

// ------------------------------------------------------------------ SIP account

export async function sipAccountDialog(user) {
  const url = `/api/users/${user.id}/sip-account`;
  const body = h("div", { class: "stack" });
  const dialog = h("dialog", { "aria-label": t("sip.title") }, h("h2", {}, `${t("sip.title")}: ${user.first_name} ${user.last_name}`),
    body, h("div", { class: "buttons" }, h("button", { type: "button", onclick: () => dialog.close() }, t("close"))));
  dialog.addEventListener("close", () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  const mayReveal = canEdit() && (user.admin_level === 0 || isOwner());
  const show = (facts) => {
    const password = facts.password ?? "••••••••";
    fill(body,
      h("dl", { class: "facts" },
        h("dt", {}, t("sip.domain")), h("dd", {}, facts.domain),
        h("dt", {}, t("sip.host")), h("dd", {}, `${facts.host}:${facts.port} (${facts.transport.toUpperCase()})`),
        h("dt", {}, t("sip.user")), h("dd", {}, facts.user),
        h("dt", {}, t("sip.password")), h("dd", { class: "secret" }, password)),
      mayReveal ? h("div", { class: "buttons" },
        facts.password ? null : h("button", { type: "button", onclick: () => act("reveal") }, t("sip.reveal")),
        h("button", { type: "button", class: "danger", onclick: () => reset() }, t("sip.reset"))) : h("p", { class: "note" }, t("sip.askOwner")),
      facts.snippet ? h("div", { class: "sip-config" },
        h("h3", {}, t("sip.snippet")), h("p", { class: "help" }, t("sip.snippetHelp")),
        h("pre", { class: "snippet", tabindex: 0 }, facts.snippet),
        qr(facts.qr_svg)) : null);
  };
  const act = async (what) => {
    try {
      show(await post(`${url}/${what}`));
      if (what === "reset") toast(t("sip.resetDone"));
    } catch (error) {
      toast(error.message, "error");
    }
  };
  const reset = async () => { if (await choice({ title: t("sip.reset"), lead: t("sip.resetWarn"), items: [], confirmLabel: t("sip.reset") })) act("reset"); };
  try {
    show(await get(url));
  } catch (error) {
    fill(body, h("p", { class: "error", role: "alert" }, error.message));
  }
}

function qr(svg) {
  const box = h("figure", { class: "qr" }, h("figcaption", {}, t("sip.qr")));
  box.insertAdjacentHTML("afterbegin", svg); // generated by the server from the snippet alone
  box.querySelector("svg")?.setAttribute("role", "img");
  box.querySelector("svg")?.setAttribute("aria-label", t("sip.qr"));
  return box;
}

// ------------------------------------------------------------------ voicemail inbox

const seconds = (s) => (s ? `${Math.round(s)} s` : "");

export async function inboxDialog(box) {
  const url = `/api/voicemail-boxes/${box.id}/messages`;
  const content = h("div", { class: "stack" });
  const dialog = h("dialog", { "aria-label": t("inbox.title", { name: box.name }), class: "wide" },
    h("h2", {}, t("inbox.title", { name: box.name })), content,
    h("div", { class: "buttons" }, h("button", { type: "button", onclick: () => dialog.close() }, t("close"))));
  dialog.addEventListener("close", () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  const heard = async (m, value) => { await post(`${url}/${m.id}/heard`, { heard: value }); await refresh(); };
  const remove = async (m) => {
    const from = m.caller || t("inbox.unknown");
    if (!await choice({ title: t("inbox.deleteTitle", { caller: from, at: formatTime(m.created_at) }), items: [],
      lead: t("inbox.deleteLead"), confirmLabel: t("delete") })) return;
    try {
      await del(`${url}/${m.id}`);
      toast(t("deleted"));
      await refresh();
    } catch (error) {
      toast(error.message, "error");
    }
  };
  async function refresh() {
    const { messages, retention_days: days } = await get(url);
    fill(content, h("p", { class: "note" }, t("inbox.retention", { n: days })), table([
      { label: t("inbox.status"), value: (m) => (m.heard_at ? t("inbox.heard") : h("strong", {}, t("inbox.new"))) },
      { label: t("inbox.caller"), value: (m) => m.caller || t("inbox.unknown") },
      { label: t("inbox.at"), value: (m) => formatTime(m.created_at) },
      { label: t("duration"), value: (m) => seconds(m.duration_seconds) },
      { label: t("listen"), value: (m) => h("audio", { controls: true, preload: "none", src: `/api/recordings/${m.id}/audio`,
        "aria-label": t("inbox.play", { caller: m.caller || t("inbox.unknown") }),
        onplay: () => (m.heard_at ? null : heard(m, true)) }) },
      { label: t("inbox.expires"), value: (m) => (m.legal_hold ? t("rec.held") : formatTime(m.expires_at)) },
      { label: t("actions"), value: (m) => h("div", { class: "row-actions" },
        h("button", { type: "button", onclick: () => heard(m, !m.heard_at) }, m.heard_at ? t("inbox.markNew") : t("inbox.markHeard")),
        canEdit() && !m.legal_hold ? h("button", { type: "button", class: "danger", onclick: () => remove(m) }, t("delete")) : null) },
    ], messages, { empty: t("inbox.empty") }));
  }
  await refresh();
}
