// Reports for managers: each report a chart (Chart.js, served by us) with its table beside it and a CSV.
import "../../vendor/chartjs/chart.umd.min.js";
import { get } from "../api.js";
import { formatTime, language, t } from "../i18n.js";
import { fill, fieldRow, h, showErrors, table } from "../ui.js";
import { options } from "./crud.js";

const { Chart } = globalThis; // the UMD build sets it
const OUTCOMES = ["answered", "missed", "abandoned", "voicemail"];
const COLORS = { answered: "#2f8a4f", missed: "#d0493d", abandoned: "#d89a1c", voicemail: "#5468c8",
  outgoing: "#7a7f87", internal: "#b5bac2", calls: "#3b6fb6", service_level: "#2f8a4f", abandonment: "#d0493d" };

// What each report shows: its chart (labels of the x axis, the series drawn) and how its cells read.
const REPORTS = [
  { name: "days", chart: { label: (r) => dayText(r.day), series: [...OUTCOMES, "outgoing"], stacked: true } },
  { name: "outcomes", chart: { doughnut: true } },
  { name: "hours", chart: { hoursOfDay: true }, heat: true },
  { name: "busiest-hours", chart: { label: (r) => `${t(`rep.wd.${r.weekday}`)} ${r.hour}:00`, series: ["calls"] } },
  { name: "main-numbers", chart: { label: (r) => r.label || r.main_number, series: OUTCOMES, stacked: true } },
  { name: "branches", chart: { label: (r) => `${r.node}: ${branchText(r.branch)}`, series: OUTCOMES, stacked: true } },
  { name: "groups", chart: { label: (r) => r.group, series: OUTCOMES, stacked: true } },
  { name: "users", chart: { label: (r) => r.user, series: ["answered"] } },
  { name: "queues", chart: { label: (r) => r.queue, series: ["service_level", "abandonment"], percent: true } },
  { name: "top-callers", chart: { label: (r) => r.caller, series: ["answered", "not_answered"], stacked: true } },
  { name: "call-back" },
];

const dayText = (iso) => new Date(`${iso}T12:00:00Z`)
  .toLocaleDateString(language(), { day: "numeric", month: "short" });

function branchText(branch) {
  if (!branch) return "—";
  if (/^\d+$/.test(branch)) return t("br.key", { key: branch });
  if (branch.startsWith("dial:")) return t("rep.dialled", { number: branch.slice(5) });
  return t(`br.${branch}`);
}

// A cell of the table in words: days, weekdays, outcomes, times, percentages; nothing known is "—".
function cell(column, row) {
  const value = row[column];
  if (value === null || value === undefined) return "—";
  if (column === "day") return dayText(value);
  if (column === "weekday") return t(`rep.wd.${value}`);
  if (column === "last_call") return formatTime(value);
  if (column === "last_outcome") return t(`rep.c.${value}`);
  if (column === "branch") return branchText(value);
  if (column === "service_level" || column === "abandonment") return `${value.toLocaleString(language())} %`;
  return typeof value === "number" ? value.toLocaleString(language()) : value;
}

function heatTable(columns, rows) {
  const most = Math.max(1, ...rows.flatMap((r) => columns.slice(1).map((c) => r[c])));
  return h("div", { class: "table-scroll" }, h("table", { class: "heatmap" },
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("rep.c.weekday")),
      columns.slice(1).map((c) => h("th", { scope: "col" }, c.slice(1))))),
    h("tbody", {}, rows.map((r) => h("tr", {}, h("th", { scope: "row" }, t(`rep.wd.${r.weekday}`)),
      columns.slice(1).map((c) => h("td", { class: `heat-${Math.ceil((4 * r[c]) / most)}`,
        title: `${t(`rep.wd.${r.weekday}`)} ${c.slice(1)}:00 — ${r[c]}` }, String(r[c]))))))));
}

function chartConfig(spec, columns, rows) {
  if (spec.doughnut) {
    const row = rows[0] || {};
    return { type: "doughnut", data: { labels: OUTCOMES.map((o) => t(`rep.c.${o}`)),
      datasets: [{ data: OUTCOMES.map((o) => row[o] || 0), backgroundColor: OUTCOMES.map((o) => COLORS[o]) }] } };
  }
  if (spec.hoursOfDay) {
    const hours = columns.slice(1);
    return bars(hours.map((c) => `${c.slice(1)}:00`), [{ key: "calls",
      data: hours.map((c) => rows.reduce((sum, r) => sum + r[c], 0)) }], { x: t("rep.c.hour") });
  }
  return bars(rows.map(spec.label), spec.series.map((key) => ({ key, data: rows.map((r) => r[key] ?? 0) })),
    { stacked: spec.stacked, percent: spec.percent });
}

function bars(labels, series, { stacked = false, percent = false, x = "" } = {}) {
  const axis = (title, extra = {}) => ({ stacked, title: { display: !!title, text: title }, ...extra });
  return { type: "bar", data: { labels, datasets: series.map(({ key, data }) => ({
    label: t(`rep.c.${key}`), data, backgroundColor: COLORS[key] })) },
  options: { scales: { x: axis(x), y: axis(percent ? "%" : t("rep.axis.calls"),
    { beginAtZero: true, ...(percent ? { max: 100 } : { ticks: { precision: 0 } }) }) } } };
}

export async function reportsPage() {
  const numbers = await get("/api/main-numbers");
  const charts = [];
  const form = h("form", { class: "filters", "aria-label": t("filter") },
    fieldRow({ name: "from", label: t("from"), type: "date" }),
    fieldRow({ name: "to", label: t("to"), type: "date" }),
    fieldRow({ name: "main_number", label: t("main_number"), type: "select",
      options: options(numbers, (n) => n.number, { empty: true }) }),
    fieldRow({ name: "within", label: t("rep.within"), type: "number", value: 20, min: 1, max: 3600 }),
    h("button", { type: "submit", class: "primary" }, t("rep.show")));
  const body = h("div", { class: "reports", "aria-live": "polite" });

  async function load() {
    const filters = [...new FormData(form)].filter(([, value]) => value);
    const query = (name) => new URLSearchParams(filters.filter(([key]) => key !== "within" || name === "queues"));
    try {
      const found = await Promise.all(REPORTS.map((spec) => get(`/api/reports/${spec.name}?${query(spec.name)}`)));
      showErrors(form, {});
      charts.splice(0).forEach((chart) => chart.destroy());
      fill(body, REPORTS.map((spec, i) => section(spec, found[i], query(spec.name))));
    } catch (error) {
      showErrors(form, error.fields);
      if (!error.fields) fill(body, h("p", { class: "error", role: "alert" }, error.message));
    }
  }

  function section(spec, { columns, rows }, query) {
    query.set("format", "csv");
    query.set("language", language());
    const href = `/api/reports/${spec.name}?${query}`;
    const download = h("a", { class: "button", download: "", href }, t("rep.csv"));
    const tableBox = spec.heat ? heatTable(columns, rows)
      : table(columns.map((c) => ({ label: t(`rep.c.${c}`), value: (r) => cell(c, r) })), rows);
    const pair = h("div", { class: "report-pair" });
    if (spec.chart && rows.length) {
      const canvas = h("canvas", { role: "img", "aria-label": t(`rep.${spec.name}`) });
      pair.append(h("div", { class: "report-chart" }, canvas));
      const config = chartConfig(spec.chart, columns, rows);
      // No animation: the figures are read, not watched, and a chart is whole at once.
      const settings = { maintainAspectRatio: false, animation: false, ...config.options };
      charts.push(new Chart(canvas, { ...config, options: settings }));
    }
    pair.append(h("div", { class: "report-table" }, tableBox));
    return h("section", { class: "report", "data-report": spec.name },
      h("header", { class: "page-head" }, h("h2", {}, t(`rep.${spec.name}`)), download), pair);
  }

  form.addEventListener("submit", (event) => { event.preventDefault(); load(); });
  await load();
  return h("section", {}, h("h1", {}, t("rep.title")), form, body);
}
