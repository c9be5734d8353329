// The schedule preview as a calendar in the scenario editor: a week (or month) of open / closed /
// day-off time, the number's temporary override over it, today marked. Built from
// /api/schedule-preview, whose probe limit decides the step (a longer one for a month).
import { get } from "../api.js";
import { language, zoneNow } from "../i18n.js";
import { fill, h } from "../ui.js";
import { say } from "./overrides.js";

const TEXT = {
  pl: { title: "Kalendarz godzin", week: "Tydzień", month: "Miesiąc", prev: "‹ Wcześniej", next: "Później ›",
    today: "Dziś", open: "otwarte", closed: "zamknięte", dayoff: "dzień wolny", override: "tymczasowa zmiana",
    draft: "wersja robocza", none: "Ten scenariusz nie ma harmonogramu.", schedule: "Harmonogram",
    days: ["pon", "wt", "śr", "czw", "pt", "sob", "nie"], legend: "Legenda" },
  en: { title: "Schedule calendar", week: "Week", month: "Month", prev: "‹ Earlier", next: "Later ›",
    today: "Today", open: "open", closed: "closed", dayoff: "day off", override: "temporary override",
    draft: "draft", none: "This scenario has no schedule.", schedule: "Schedule",
    days: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], legend: "Legend" },
};
const text = (key) => (TEXT[language()] || TEXT.pl)[key];
const STEPS = { week: ["1h", "3h"], month: ["3h", "6h", "12h"] };
const DAY = 86400000;

// Dates as "YYYY-MM-DD" strings in the company's zone; arithmetic on UTC midnights.
const toDate = (s) => new Date(`${s}T00:00:00Z`);
const iso = (d) => d.toISOString().slice(0, 10);
const addDays = (s, n) => iso(new Date(toDate(s).getTime() + n * DAY));
const weekday = (s) => (toDate(s).getUTCDay() + 6) % 7; // 0 = Monday
const minutes = (stamp) => Number(stamp.slice(11, 13)) * 60 + Number(stamp.slice(14, 16));

function range(view, anchor) {
  if (view === "week") {
    const start = addDays(anchor, -weekday(anchor));
    return { start, days: 7 };
  }
  const first = `${anchor.slice(0, 8)}01`;
  const start = addDays(first, -weekday(first));
  const next = toDate(first); next.setUTCMonth(next.getUTCMonth() + 1);
  const span = (next.getTime() - toDate(start).getTime()) / DAY;
  return { start, days: Math.ceil(span / 7) * 7 };
}

// The part of each interval that falls on `day`, as [from, to) minutes of its wall clock.
function onDay(intervals, day) {
  return intervals.flatMap((i) => {
    const [a, b] = [i.from.slice(0, 10), i.to.slice(0, 10)];
    if (a > day || b < day) return [];
    const from = a < day ? 0 : minutes(i.from);
    const to = b > day ? 1440 : minutes(i.to);
    return to > from ? [{ ...i, start: from, end: to }] : [];
  });
}

const clock = (m) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;

// Set through the CSSOM: the Content-Security-Policy refuses style="" attributes.
function block(kind, part, label) {
  const node = h("span", { class: `cal-block cal-${kind}`, title: `${clock(part.start)}–${clock(part.end)} ${label}` },
    h("span", { class: "cal-text" }, `${clock(part.start)}–${clock(part.end)} ${label}`));
  node.style.top = `${(part.start / 1440) * 100}%`;
  node.style.height = `${((part.end - part.start) / 1440) * 100}%`;
  return node;
}

function dayColumn(day, schedule, overrides, today, compact) {
  const off = onDay(schedule.days_off || [], day);
  const blocks = onDay(schedule.intervals, day).map((p) => {
    const dayOff = p.branch === "closed" && off.some((o) => o.start <= p.start && o.end >= p.end);
    return block(dayOff ? "dayoff" : p.branch === "open" ? "open" : "closed", p,
      dayOff ? text("dayoff") : text(p.branch) || p.branch);
  });
  const over = onDay(overrides, day).map((p) => block("override", p, `${text("override")}: ${say(`short.${p.mode}`)}`));
  const isToday = day === today;
  return h("div", { class: `cal-day${isToday ? " today" : ""}${compact ? " compact" : ""}`, role: "listitem",
    "aria-current": isToday ? "date" : null, "data-day": day },
  h("span", { class: "cal-date" }, h("span", {}, text("days")[weekday(day)]), " ",
    h("span", {}, `${day.slice(8, 10)}.${day.slice(5, 7)}`)),
  h("div", { class: "cal-track" }, blocks, over));
}

async function fetchPreview(number, view, start, days, draft) {
  let last;
  for (const step of STEPS[view]) {
    try {
      return await get(`/api/schedule-preview?${new URLSearchParams({ number: number.number, from: start,
        to: addDays(start, days - 1), step, draft: draft ? "1" : "" })}`);
    } catch (error) {
      last = error; // too many probes for this step: the next, longer one
      if (error.status !== 422) break;
    }
  }
  throw last;
}

export function calendarPanel(number, preferDraft) {
  const state = { view: "week", anchor: zoneNow().slice(0, 10), schedule: 0 };
  const body = h("div", { class: "cal-body", "aria-live": "polite" });
  const box = h("section", { class: "card calendar", "aria-labelledby": "calendar-title" });
  const button = (label, onclick, pressed) => h("button", { type: "button", onclick,
    "aria-pressed": pressed === undefined ? null : String(pressed) }, label);

  async function render() {
    const today = zoneNow().slice(0, 10);
    const { start, days } = range(state.view, state.anchor);
    const draft = preferDraft();
    fill(box, h("h2", { id: "calendar-title" }, text("title"), draft ? ` (${text("draft")})` : ""),
      h("div", { class: "toolbar cal-nav" },
        button(text("prev"), () => move(-1)), button(text("today"), () => { state.anchor = today; render(); }),
        button(text("next"), () => move(1)),
        button(text("week"), () => { state.view = "week"; render(); }, state.view === "week"),
        button(text("month"), () => { state.view = "month"; render(); }, state.view === "month")),
      body);
    try {
      const found = await fetchPreview(number, state.view, start, days, draft);
      const schedule = found.schedules[state.schedule] || found.schedules[0];
      if (!schedule) return fill(body, h("p", { class: "muted" }, text("none")));
      fill(body, found.schedules.length > 1 ? h("label", {}, `${text("schedule")} `, h("select", {
        onchange: (e) => { state.schedule = Number(e.target.value); render(); } },
      found.schedules.map((s, i) => h("option", { value: i, selected: schedule === s }, s.label || s.node)))) : null,
      h("div", { class: `cal-grid cal-${state.view}`, role: "list" },
        Array.from({ length: days }, (_, i) => addDays(start, i))
          .map((day) => dayColumn(day, schedule, found.override || [], today, state.view === "month"))),
      legend());
    } catch (error) {
      fill(body, h("p", { class: "error", role: "alert" }, error.message));
    }
  }

  function move(direction) {
    if (state.view === "week") state.anchor = addDays(state.anchor, 7 * direction);
    else {
      const d = toDate(`${state.anchor.slice(0, 8)}01`); d.setUTCMonth(d.getUTCMonth() + direction);
      state.anchor = iso(d);
    }
    render();
  }

  render();
  box.refresh = render;
  return box;
}

function legend() {
  return h("ul", { class: "cal-legend", "aria-label": text("legend") },
    ["open", "closed", "dayoff", "override"].map((k) => h("li", {}, h("span", { class: `cal-swatch cal-${k}` }), text(k))));
}
