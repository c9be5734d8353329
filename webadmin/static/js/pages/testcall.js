// Place a simulated call through the published (or draft) dialplan and tell what happened.
// The story comes worded from the server in both languages; the panel shows the one it speaks.
import { post } from "../api.js";
import { language, t, zoneNow } from "../i18n.js";
import { fill, fieldRow, h } from "../ui.js";
import { fullName } from "./crud.js";

const OUTCOMES = ["no_answer", "answer", "busy", "busy_until", "unreachable"];

// One row per person and group of the company: what they do when rung (by name, as the server reads it).
function whoRow(name, words) {
  const until = h("input", { name: "until", "aria-label": t("tc.until", { name }), placeholder: "0:40", size: 6,
    hidden: true });
  const choice = h("select", { name: "outcome", "aria-label": words, "data-who": name,
    onchange: () => { until.hidden = choice.value !== "busy_until"; } },
  OUTCOMES.map((o) => h("option", { value: o }, t(`tc.${o}`))));
  return h("li", { class: "who" }, h("span", {}, words), choice, until);
}

function whoFieldset(refs) {
  const sorted = (names) => names.sort((a, b) => a.localeCompare(b));
  const people = sorted((refs.users || []).map(fullName)).map((name) => whoRow(name, name));
  const groups = sorted((refs.groups || []).map((g) => g.name)).map((name) => whoRow(name, t("tc.group", { name })));
  return h("fieldset", { class: "who-answers" }, h("legend", {}, t("tc.who")), h("ul", {}, people, groups));
}

// {answer: [...], busy: [...], unreachable: [...], busy_until: {name: "0:40"}} from the rows.
function outcomes(form) {
  const body = { answer: [], busy: [], unreachable: [], busy_until: {} };
  for (const row of form.querySelectorAll("li.who")) {
    const { value, dataset } = row.querySelector("select");
    if (value === "busy_until") body.busy_until[dataset.who] = row.querySelector("input").value.trim();
    else if (value !== "no_answer") body[value].push(dataset.who);
  }
  return body;
}

function resultView(call, showPath) {
  const story = call.story[language()] || call.story.en;
  const nodes = (call.path || []).map((p) => p.node).filter(Boolean);
  return [
    h("h3", {}, story.title),
    h("ol", { class: "story" }, story.lines.map((line) => h("li", {}, h("time", {}, line.time), " ", line.text))),
    showPath && nodes.length ? h("p", {}, h("a", { href: "#", class: "show-path",
      onclick: (e) => { e.preventDefault(); showPath(nodes); } }, t("tc.showPath"))) : null,
    h("details", {}, h("summary", {}, t("tc.details")),
      h("ol", { class: "steps" }, (call.steps || []).map(({ at, kind, ...details }) =>
        h("li", {}, h("code", {}, `${Number(at).toFixed(1)} s ${kind}`), " ", JSON.stringify(details))))),
  ];
}

// preferDraft() says whether the draft is the interesting thing to test right now;
// refs holds the company's users and groups; showPath(nodeIds) highlights the call's way in the tree.
export function testCallPanel(number, preferDraft, { refs = {}, showPath = null } = {}) {
  const out = h("div", { "aria-live": "polite" });
  const form = h("form", { class: "stack", "aria-labelledby": "testcall-title" },
    fieldRow({ name: "from", label: t("tc.caller"), type: "tel", value: "+48600100200", required: true }),
    fieldRow({ name: "at", label: t("tc.at"), type: "datetime-local", value: zoneNow(), required: true }),
    fieldRow({ name: "keys", label: t("tc.keys") }),
    fieldRow({ name: "fax_pages", label: t("tc.faxPages"), type: "number", help: t("tc.faxPagesHelp") }),
    whoFieldset(refs),
    fieldRow({ name: "draft", label: t("tc.draft"), type: "checkbox", value: preferDraft() }),
    h("button", { type: "submit", class: "primary" }, t("tc.run")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const e = form.elements;
    const body = { number: number.number, from: e.from.value, at: e.at.value, keys: e.keys.value,
      draft: e.draft.checked, ...outcomes(form) };
    if (e.fax_pages.value) body.fax_pages = Number(e.fax_pages.value);
    try {
      fill(out, ...resultView(await post("/api/test-call", body), showPath));
    } catch (error) {
      const problems = error.body?.problems ? `: ${error.body.problems.join("; ")}` : "";
      fill(out, h("p", { class: "error", role: "alert" },
        error.status === 404 ? t("tc.unavailable") : `${error.message}${problems}`));
    }
  });
  return h("section", { class: "card testcall" }, h("h2", { id: "testcall-title" }, t("tc.title")), form, out);
}
