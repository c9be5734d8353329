// Post-call surveys: up to five questions (an announcement and the keys that answer it), an optional
// spoken comment, and the report of the answers per question, employee and group.
import { get } from "../api.js";
import { formatTime, language, t } from "../i18n.js";
import { fieldRow, fill, h, readField, showErrors, table } from "../ui.js";
import { crudPage, options } from "./crud.js";

const QUESTIONS = [1, 2, 3, 4, 5];

function questionFields(n, question, prompts) {
  return [
    { name: `q${n}_prompt`, label: t("survey.question", { n }), type: "select", nullable: true, numeric: true,
      value: question?.prompt, options: options(prompts, (a) => a.name, { empty: n > 1 }) },
    { name: `q${n}_keys`, label: t("survey.keys", { n }), inputmode: "numeric", help: n === 1 ? t("survey.keysHelp") : null,
      value: question?.keys ?? "12345" },
    { name: `q${n}_repeat`, label: t("survey.repeat", { n }), type: "number", min: 1, max: 5, value: question?.repeat ?? 2 },
    { name: `q${n}_label`, label: t("survey.label", { n }), value: question?.label ?? "" },
  ];
}

async function surveyFields(survey) {
  const prompts = await get("/api/announcements");
  const questions = survey?.questions || [];
  return [
    { name: "name", label: t("name"), required: true, value: survey?.name },
    ...QUESTIONS.flatMap((n) => questionFields(n, questions[n - 1], prompts)),
    { name: "timeout_seconds", label: t("survey.timeout"), type: "number", min: 1, max: 30, value: survey?.timeout_seconds ?? 5 },
    { name: "comment_prompt_id", label: t("survey.comment"), type: "select", nullable: true, numeric: true,
      help: t("survey.commentHelp"), value: survey?.comment_prompt_id, options: options(prompts, (a) => a.name, { empty: true }) },
    { name: "comment_seconds", label: t("survey.commentSeconds"), type: "number", min: 5, max: 300,
      value: survey?.comment_seconds ?? 60 },
    { name: "thanks_prompt_id", label: t("survey.thanks"), type: "select", nullable: true, numeric: true,
      value: survey?.thanks_prompt_id, options: options(prompts, (a) => a.name, { empty: true }) },
  ];
}

// The form's rows of questions become the list the API takes: a row without an announcement is no question.
function toBody(values) {
  const body = Object.fromEntries(Object.entries(values).filter(([name]) => !/^q\d_/.test(name)));
  body.questions = QUESTIONS.filter((n) => values[`q${n}_prompt`] !== null).map((n) => ({
    prompt: values[`q${n}_prompt`], keys: values[`q${n}_keys`].trim(), repeat: values[`q${n}_repeat`],
    label: values[`q${n}_label`] }));
  return body;
}

// The API names a question's field by its place in that list ("questions": {"0": {"keys": [...]}}): the raw
// field errors of its reply, each put back on the form's row of that question.
function errorFields(fields, values) {
  const asked = QUESTIONS.filter((n) => values[`q${n}_prompt`] !== null);
  const mapped = { ...fields };
  const nested = fields.questions;
  delete mapped.questions;
  if (Array.isArray(nested)) mapped.q1_prompt = nested;
  else for (const [index, problems] of Object.entries(nested || {})) {
    for (const [name, messages] of Object.entries(problems)) mapped[`q${asked[index]}_${name}`] = messages;
  }
  for (const [name, messages] of Object.entries(fields)) {
    const match = /^questions\.(\d+)\.(\w+)$/.exec(name);
    if (match) {
      mapped[`q${asked[match[1]]}_${match[2]}`] = messages;
      delete mapped[name];
    }
  }
  return mapped;
}

const average = (value) => (value === null || value === undefined ? "–"
  : value.toLocaleString(language() === "pl" ? "pl-PL" : "en-GB", { maximumFractionDigits: 2 }));

function reportTables(report) {
  const questions = report.questions;
  const perQuestion = table([
    { label: t("survey.questionColumn"), value: (q) => `${q.number}. ${q.label}`.trim() },
    { label: t("survey.answers"), value: (q) => q.answers },
    { label: t("survey.average"), value: (q) => average(q.average) },
    { label: t("survey.distribution"), value: (q) => Object.entries(q.distribution).map(([k, n]) => `${k}: ${n}`).join(", ") },
  ], questions, { caption: t("survey.perQuestion") });
  const byOwner = (rows, caption) => table([
    { label: t("name"), value: (row) => row.name },
    { label: t("survey.calls"), value: (row) => row.calls },
    ...questions.map((q, index) => ({ label: t("survey.averageOf", { n: q.number }), value: (row) => average(row.averages[index]) })),
  ], rows, { caption });
  const comments = table([
    { label: t("survey.at"), value: (c) => formatTime(c.at) },
    { label: t("survey.caller"), value: (c) => c.caller },
    { label: t("survey.employee"), value: (c) => c.user },
    { label: t("survey.answersGiven"), value: (c) => c.answers.map((a) => a ?? "–").join(", ") },
    { label: t("listen"), value: (c) => h("audio", { controls: true, preload: "none", src: `/api/recordings/${c.recording_id}/audio`,
      "aria-label": `${t("listen")}: ${c.caller}` }) },
  ], report.comments, { caption: t("survey.comments") });
  return [h("p", {}, t("survey.callsTotal", { n: report.calls })), perQuestion,
    byOwner(report.users, t("survey.perUser")), byOwner(report.groups, t("survey.perGroup")), comments];
}

// Below the list: a survey's answers over days of the company's time zone.
function reportSection() {
  const fields = [
    { name: "survey", label: t("survey.which"), type: "select", options: [] },
    { name: "from", label: t("from"), type: "date" },
    { name: "to", label: t("to"), type: "date" },
  ];
  const form = h("form", { class: "stack card", "aria-label": t("survey.report"), novalidate: true },
    h("h2", {}, t("survey.report")), ...fields.map(fieldRow), h("button", { type: "submit", class: "primary" }, t("survey.show")));
  const results = h("div", { class: "survey-report", "aria-live": "polite" });
  const load = async () => {
    const chosen = form.elements.survey.value;
    const surveys = await get("/api/surveys");
    fill(form.elements.survey, surveys.map((s) => h("option", { value: s.id, selected: String(s.id) === chosen }, s.name)));
  };
  form.elements.survey.addEventListener("focus", load);  // surveys added above since the page opened
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const query = new URLSearchParams({ from: readField(form, fields[1]), to: readField(form, fields[2]) });
    for (const [key, value] of [...query]) if (!value) query.delete(key);
    try {
      showErrors(form, {});
      fill(results, reportTables(await get(`/api/surveys/${form.elements.survey.value}/report?${query}`)));
    } catch (error) {
      showErrors(form, error.fields || {});
      fill(results, error.fields ? null : h("p", { class: "error", role: "alert" }, error.message));
    }
  });
  load();
  return h("section", {}, form, results);
}

export async function surveysPage() {
  const section = await crudPage({
    title: t("survey.title"), endpoint: "/api/surveys", addLabel: t("survey.add"), editLabel: t("survey.edit"),
    nameOf: (s) => s.name, usage: "survey",
    columns: [
      { label: t("name"), value: (s) => s.name },
      { label: t("survey.questions"), value: (s) => s.questions.map((q, i) => `${i + 1}: ${q.keys}`).join("; ") },
      { label: t("survey.hasComment"), value: (s) => (s.comment_prompt_id ? t("yes") : t("no")) },
    ],
    fields: surveyFields,
    toBody,
    errorFields,
  });
  section.append(reportSection());  // viewers read the report too
  return section;
}
