// Today's incoming calls: answered vs missed, and a bar per hour.
import { get } from "../api.js";
import { t } from "../i18n.js";
import { canEdit } from "../session.js";
import { h } from "../ui.js";
import { activeOverrides } from "./overrides.js";

function figure(label, value, kind) {
  return h("div", { class: `figure ${kind}` }, h("span", { class: "value" }, String(value)), h("span", {}, label));
}

// Set through the CSSOM: the Content-Security-Policy refuses style="" attributes.
function bar(kind, share) {
  const span = h("span", { class: kind });
  span.style.height = `${share * 100}%`;
  return span;
}

function hourChart(hours) {
  const busiest = Math.max(1, ...hours.map((x) => x.answered + x.missed));
  const bars = hours.map((x) => h("div", {
    class: "bar", title: `${x.hour}:00 — ${t("dash.answered")}: ${x.answered}, ${t("dash.missed")}: ${x.missed}`,
  },
  bar("missed", x.missed / busiest),
  bar("answered", x.answered / busiest),
  h("span", { class: "hour" }, x.hour % 3 === 0 ? String(x.hour) : "")));
  return h("figure", { class: "chart" },
    h("div", { class: "bars", role: "img", "aria-label": t("dash.perHour") }, bars),
    h("figcaption", {}, t("dash.perHour")));
}

export async function dashboardPage() {
  const today = await get("/api/calls/today");
  return h("section", {},
    h("h1", {}, t("dash.title")),
    h("h2", {}, t("dash.today", { date: today.date })),
    h("div", { class: "figures" },
      figure(t("dash.total"), today.total, "total"),
      figure(t("dash.answered"), today.answered, "answered"),
      figure(t("dash.missed"), today.missed, "missed")),
    hourChart(today.hours),
    await activeOverrides(canEdit()));
}
