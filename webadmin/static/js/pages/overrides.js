// Temporary overrides of main numbers: "closed until …", "to Anna until …". They end by themselves:
// the served dialplan compares the time. Shown in the scenario editor and on the dashboard.
import { del, get, put } from "../api.js";
import { language, zoneNow } from "../i18n.js";
import { fill, formDialog, h, toast } from "../ui.js";

const TEXT = {
  pl: {
    title: "Tymczasowa zmiana", none: "Brak: połączenia idą zgodnie ze scenariuszem.", set: "Ustaw tymczasową zmianę",
    change: "Zmień", endNow: "Zakończ teraz", ended: "Zakończono tymczasową zmianę.", savedUntil: "Ustawiono do {until}.",
    confirmEnd: "Zakończyć teraz tymczasową zmianę numeru {number}?", mode: "Co robić z połączeniami",
    "mode.closed": "Zamknięte (gałąź „zamknięte” harmonogramu)", "mode.announcement": "Zapowiedź, potem rozłączenie",
    "mode.user": "Do osoby", "mode.group": "Do grupy", "mode.number": "Na numer zewnętrzny",
    "short.closed": "Zamknięte", "short.announcement": "Zapowiedź", "short.user": "Do", "short.group": "Do grupy",
    "short.number": "Na numer", announcement_id: "Zapowiedź", user_id: "Osoba", group_id: "Grupa",
    number: "Numer zewnętrzny", ends_at: "Do kiedy (czas firmy, {zone})", reason: "Powód (widoczny w panelu)",
    until: "do {until}", active: "Aktywne tymczasowe zmiany", activeNone: "Żaden numer nie ma teraz tymczasowej zmiany.",
    editor: "Scenariusz",
  },
  en: {
    title: "Temporary override", none: "None: calls follow the scenario.", set: "Set a temporary override",
    change: "Change", endNow: "End now", ended: "The temporary override has ended.", savedUntil: "Set until {until}.",
    confirmEnd: "End the temporary override of {number} now?", mode: "What to do with calls",
    "mode.closed": "Closed (the schedule's “closed” branch)", "mode.announcement": "An announcement, then hang up",
    "mode.user": "To a person", "mode.group": "To a group", "mode.number": "To an outside number",
    "short.closed": "Closed", "short.announcement": "Announcement", "short.user": "To", "short.group": "To group",
    "short.number": "To number", announcement_id: "Announcement", user_id: "Person", group_id: "Group",
    number: "Outside number", ends_at: "Until (company time, {zone})", reason: "Reason (shown in the panel)",
    until: "until {until}", active: "Active temporary overrides", activeNone: "No number has a temporary override now.",
    editor: "Scenario",
  },
};

export function say(key, vars = {}) {
  const text = (TEXT[language()] || TEXT.pl)[key] ?? TEXT.pl[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => vars[name] ?? "");
}

const MODES = ["closed", "announcement", "user", "group", "number"];
const TARGET = { announcement: "announcement_id", user: "user_id", group: "group_id", number: "number" };
const until = (o) => o.ends_at.replace("T", " ");

// "Do Anna Nowak do 2026-12-24 14:00 — Szkolenie"
export function overrideText(o) {
  const target = o.mode === "closed" ? "" : ` ${o.target_name ?? ""}`;
  return `${say(`short.${o.mode}`)}${target} ${say("until", { until: until(o) })}${o.reason ? ` — ${o.reason}` : ""}`;
}

async function endNow(number, done) {
  if (!window.confirm(say("confirmEnd", { number: number.number }))) return;
  await del(`/api/main-numbers/${number.id}/override`);
  toast(say("ended"));
  done();
}

function options(items, name) {
  return [["", "—"], ...items.map((item) => [String(item.id), name(item)])];
}

function overrideDialog(number, refs, current, done) {
  const zone = current?.zone || "";
  const fields = [
    { name: "mode", label: say("mode"), type: "select", value: current?.mode || "closed",
      options: MODES.map((m) => [m, say(`mode.${m}`)]) },
    { name: "announcement_id", label: say("announcement_id"), type: "select", numeric: true, nullable: true,
      value: current?.announcement_id, options: options(refs.announcements, (a) => a.name) },
    { name: "user_id", label: say("user_id"), type: "select", numeric: true, nullable: true, value: current?.user_id,
      options: options(refs.users, (u) => `${u.first_name} ${u.last_name}`) },
    { name: "group_id", label: say("group_id"), type: "select", numeric: true, nullable: true, value: current?.group_id,
      options: options(refs.groups, (g) => g.name) },
    { name: "number", label: say("number"), type: "tel", nullable: true, value: current?.mode === "number" ? current.target_name : "" },
    { name: "ends_at", label: say("ends_at", { zone }), type: "datetime-local", required: true,
      value: current?.ends_at || zoneNow() },
    { name: "reason", label: say("reason"), value: current?.reason || "" },
  ];
  const dialog = formDialog({ title: say("title"), fields, onSubmit: async (values) => {
    const saved = await put(`/api/main-numbers/${number.id}/override`, values);
    toast(say("savedUntil", { until: until(saved) }));
    done();
  } });
  const mode = dialog.querySelector("[name=mode]");
  const showTarget = () => {
    for (const [m, field] of Object.entries(TARGET)) dialog.querySelector(`[data-field=${field}]`).hidden = mode.value !== m;
  };
  mode.addEventListener("change", showTarget);
  showTarget();
}

// The editor's card: the number's override now, set / change / end now. onChange() after each change.
export function overridePanel(number, refs, editable, onChange = () => {}) {
  const box = h("section", { class: "card override", "aria-labelledby": "override-title" });
  async function render() {
    const current = await get(`/api/main-numbers/${number.id}/override`);
    const refresh = () => { render(); onChange(); };
    fill(box, h("h2", { id: "override-title" }, say("title")),
      h("p", { class: current ? "override-now" : "muted" }, current ? overrideText(current) : say("none")),
      editable ? h("div", { class: "buttons" },
        h("button", { type: "button", onclick: () => overrideDialog(number, refs, current, refresh) },
          current ? say("change") : say("set")),
        current ? h("button", { type: "button", class: "danger", onclick: () => endNow(number, refresh) }, say("endNow"))
          : null) : null);
  }
  render();
  return box;
}

// The dashboard's list of numbers whose override has not ended yet.
export async function activeOverrides(editable) {
  const box = h("section", { class: "card overrides", "aria-labelledby": "overrides-title" });
  async function render() {
    const found = await get("/api/overrides");
    fill(box, h("h2", { id: "overrides-title" }, say("active")),
      found.length ? h("ul", { class: "override-list" }, found.map((o) => h("li", {},
        h("strong", {}, o.number), " ", overrideText(o), " ",
        h("a", { href: `#/scenario/${o.main_number_id}` }, say("editor")),
        editable ? h("button", { type: "button", class: "danger",
          onclick: () => endNow({ id: o.main_number_id, number: o.number }, render) }, say("endNow")) : null)))
        : h("p", { class: "muted" }, say("activeNone")));
  }
  await render();
  return box;
}
