// The dashboard: whether the switches are connected, today's incoming calls (a labelled chart with
// its figures in a table for screen readers), active temporary overrides and the storage used.
import { get } from "../api.js";
import { formatTime, language, t } from "../i18n.js";
import { canEdit } from "../session.js";
import { h } from "../ui.js";
import { activeOverrides } from "./overrides.js";

const MINUTE = 60 * 1000;

function figure(label, value, kind) {
  return h("div", { class: `figure ${kind}` }, h("span", { class: "value" }, String(value)), h("span", {}, label));
}

// Set through the CSSOM: the Content-Security-Policy refuses style="" attributes.
function bar(kind, share) {
  const span = h("span", { class: kind });
  span.style.height = `${share * 100}%`;
  return span;
}

// The y axis runs to an even number, so its middle mark is a whole number of calls.
function axisTop(hours) {
  const busiest = Math.max(...hours.map((x) => x.answered + x.missed));
  return Math.max(2, Math.ceil(busiest / 2) * 2);
}

function legend() {
  return h("ul", { class: "chart-legend", "aria-label": t("dash.legend") },
    ["answered", "missed"].map((kind) => h("li", {}, h("span", { class: `swatch ${kind}` }), t(`dash.${kind}`))));
}

// Drawn for the eye only; the same figures are in the table beside it.
function bars(hours) {
  const top = axisTop(hours);
  return h("div", { class: "chart-plot", "aria-hidden": "true" },
    h("span", { class: "y-title" }, t("dash.calls")),
    h("div", { class: "y-axis" }, [top, top / 2, 0].map((mark) => h("span", {}, String(mark)))),
    h("div", { class: "bars" }, hours.map((x) => h("div", { class: "bar" },
      bar("missed", x.missed / top),
      bar("answered", x.answered / top),
      h("span", { class: "hour" }, x.hour % 3 === 0 ? String(x.hour) : "")))),
    h("span", { class: "x-title" }, t("dash.hour")));
}

// Hidden by a wrapper, not on the table: axe counts a clipped table as a scroll region without keys.
function hourTable(hours) {
  return h("div", { class: "visually-hidden" }, h("table", {},
    h("caption", {}, t("dash.perHour")),
    h("thead", {}, h("tr", {}, [t("dash.hour"), t("dash.answered"), t("dash.missed")].map((label) =>
      h("th", { scope: "col" }, label)))),
    h("tbody", {}, hours.map((x) => h("tr", {},
      h("th", { scope: "row" }, `${x.hour}:00–${x.hour + 1}:00`), h("td", {}, String(x.answered)),
      h("td", {}, String(x.missed)))))));
}

function hourChart(hours) {
  return h("figure", { class: "chart" },
    h("figcaption", {}, t("dash.perHour")),
    legend(), bars(hours), hourTable(hours));
}

const locale = () => (language() === "pl" ? "pl-PL" : "en-GB");

// "2026-12-24" as the panel's language writes a day: "24.12.2026" (English: "24/12/2026").
function dayText(iso) {
  const [year, month, day] = iso.split("-").map(Number);
  return new Date(year, month - 1, day).toLocaleDateString(locale());
}

const minutesSince = (iso) => Math.floor((Date.now() - Date.parse(iso)) / MINUTE);

function problemText(s) {
  if (s.problem === "not_connected") {
    if (!s.since) return t("dash.problem.never", { n: s.switch });
    return t("dash.problem.not_connected", { n: s.switch, minutes: minutesSince(s.since), since: formatTime(s.since) });
  }
  return t("dash.problem.sync_failed", { n: s.switch });
}

// "Centrala 1: połączona od …; ostatnie zdarzenie: …; kolejki: zgodne …"
function switchText(s) {
  if (!s.since) return t("dash.neverConnected");
  const parts = [t(s.connected ? "dash.connected" : "dash.notConnected", { since: formatTime(s.since) })];
  if (s.connected) {
    parts.push(s.last_event_at ? t("dash.lastEvent", { at: formatTime(s.last_event_at) }) : t("dash.noEvent"));
  }
  parts.push(s.sync ? t(`dash.sync.${s.sync}`, { at: formatTime(s.sync_at) }) : t("dash.sync.none"));
  return parts.join("; ");
}

function switchesCard(switches) {
  const problems = switches.filter((s) => s.problem);
  return h("section", { class: "card switches", "aria-labelledby": "switches-title" },
    h("h2", { id: "switches-title" }, t("dash.switches")),
    problems.length
      ? h("div", { role: "alert" }, h("ul", { class: "problems" }, problems.map((s) => h("li", {}, problemText(s)))))
      : h("p", { class: "all-well" }, t("dash.allWell")),
    h("ul", { class: "switch-list" }, switches.map((s) => h("li", { class: s.connected ? "connected" : "down" },
      h("strong", {}, t("dash.switch", { n: s.switch })), ": ", switchText(s)))));
}

// Intl names the unit but does not pick it: the largest that keeps the number at 1 or more.
function size(bytes) {
  const units = ["byte", "kilobyte", "megabyte", "gigabyte", "terabyte"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return new Intl.NumberFormat(locale(),
    { style: "unit", unit: units[unit], unitDisplay: "short", maximumFractionDigits: unit ? 1 : 0 }).format(value);
}

function storageCard(storage) {
  const line = (key, used) => h("div", {}, h("dt", {}, t(key)),
    h("dd", {}, t("dash.storage.count", { count: used.count, size: size(used.bytes) })));
  return h("section", { class: "card storage", "aria-labelledby": "storage-title" },
    h("h2", { id: "storage-title" }, t("dash.storage")),
    h("dl", {}, line("dash.storage.recordings", storage.recordings), line("dash.storage.voicemail", storage.voicemail)),
    h("p", { class: "muted" }, t("dash.storage.retention", { days: storage.retention_days })));
}

export async function dashboardPage() {
  const [today, operations] = await Promise.all([get("/api/calls/today"), get("/api/operations")]);
  return h("section", {},
    h("h1", {}, t("dash.title")),
    switchesCard(operations.switches),
    h("h2", {}, t("dash.today", { date: dayText(today.date) })),
    h("div", { class: "figures" },
      figure(t("dash.total"), today.total, "total"),
      figure(t("dash.answered"), today.answered, "answered"),
      figure(t("dash.missed"), today.missed, "missed")),
    hourChart(today.hours),
    await activeOverrides(canEdit()),
    storageCard(operations.storage));
}
