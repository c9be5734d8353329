// Opening hours as people type them: "8-16", "8:00–16:00", "08.00-16.00, 17-19", "pn-pt 8-16".
// Read into the stored form, [["08:00", "16:00"], ...]; what cannot be read is named in the error.
import { t } from "../i18n.js";

export class HoursError extends Error {}

// The hours of form field `field` read by `read(text)`; an error names the field it belongs to.
export function readHoursField(form, field, read) {
  try {
    return read(form.elements[field].value);
  } catch (error) {
    if (error instanceof HoursError) error.field = field;
    throw error;
  }
}

const CLOSED = new Set(["", "-", "—", "zamkniete", "closed", "nieczynne"]);
const ALL_DAY = new Set(["calodobowo", "cala doba", "cala dobe", "24h", "24 h", "all day"]);
const TIME = String.raw`(\d{1,2})(?:[:.](\d{2}))?`;
const WINDOW = new RegExp(String.raw`^(?:od\s+|from\s+)?${TIME}\s*(?:-|–|—|do|to)\s*${TIME}$`);
// day names and their usual short forms, Polish and English, without diacritics
const DAY_WORDS = {
  mon: ["pn", "pon", "poniedzialek", "mon", "monday"], tue: ["wt", "wto", "wtorek", "tue", "tuesday"],
  wed: ["sr", "sro", "sroda", "wed", "wednesday"], thu: ["cz", "czw", "czwartek", "thu", "thursday"],
  fri: ["pt", "pia", "piatek", "fri", "friday"], sat: ["so", "sob", "sobota", "sat", "saturday"],
  sun: ["nd", "nie", "ndz", "niedz", "niedziela", "sun", "sunday"],
};
export const DAYS = Object.keys(DAY_WORDS);

// "Środa" → "sroda": compared without case or Polish letters (ł does not decompose in Unicode).
const plain = (text) => text.toLowerCase().replace(/ł/g, "l").normalize("NFD").replace(/\p{Diacritic}/gu, "").trim();

function clock(hours, minutes, part) {
  const h = Number(hours);
  const m = Number(minutes ?? 0);
  if (h > 24 || m > 59 || (h === 24 && m > 0)) throw new HoursError(t("hours.badTime", { part }));
  // the schedule stores "until midnight" as 23:59
  return h === 24 ? "23:59" : `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`;
}

function readWindow(part) {
  const match = WINDOW.exec(plain(part).replace(/\s+/g, " "));
  if (!match) throw new HoursError(t("hours.notUnderstood", { part }));
  const [, h1, m1, h2, m2] = match;
  const start = clock(h1, m1, part);
  const end = clock(h2, m2, part);
  if (end <= start) throw new HoursError(t("hours.endFirst", { part }));
  return [start, end];
}

// One day's hours: windows separated by commas or semicolons; empty or "zamknięte" = closed.
export function parseHours(text) {
  const words = plain(text);
  if (CLOSED.has(words)) return [];
  if (ALL_DAY.has(words)) return [["00:00", "23:59"]];
  return text.split(/[,;]|\s+i\s+|\s+and\s+/).map((part) => part.trim()).filter(Boolean).map(readWindow);
}

function dayOf(word, part) {
  const found = DAYS.find((day) => DAY_WORDS[day].includes(plain(word)));
  if (!found) throw new HoursError(t("hours.badDay", { part, day: word }));
  return found;
}

// "pn-pt" → mon..fri, "sob" → sat, "pn, śr" → mon, wed.
function readDays(text, part) {
  return text.split(",").flatMap((range) => {
    const [first, last = first] = range.split(/\s*[-–—]\s*/).map((word) => dayOf(word.trim(), part));
    const from = DAYS.indexOf(first);
    const to = DAYS.indexOf(last);
    if (to < from) throw new HoursError(t("hours.badDay", { part, day: range.trim() }));
    return DAYS.slice(from, to + 1);
  });
}

const DAYS_FIRST = /^((?:\p{L}+\s*[-–—]\s*)?\p{L}+(?:\s*,\s*(?:\p{L}+\s*[-–—]\s*)?\p{L}+)*)\s*:?\s*(.*)$/u;

// Several days at once, one group a line or after a semicolon: "pn-pt 8-16; sob 9-13; nd zamknięte".
// Returns {day: windows} for the days named.
export function parseWeek(text) {
  const week = {};
  for (const part of text.split(/[;\n]/).map((p) => p.trim()).filter(Boolean)) {
    const match = DAYS_FIRST.exec(part);
    if (!match) throw new HoursError(t("hours.noDays", { part }));
    const windows = parseHours(match[2]);
    for (const day of readDays(match[1], part)) week[day] = windows;
  }
  return week;
}
