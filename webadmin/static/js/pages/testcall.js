// Place a simulated call through the published (or draft) dialplan and show its path.
import { post } from "../api.js";
import { t, zoneNow } from "../i18n.js";
import { fill, fieldRow, h } from "../ui.js";

function resultView(call) {
  return [
    h("pre", { class: "trace" }, call.trace),
    h("ol", { class: "path" }, (call.path || []).filter((p) => p.text).map((p) => h("li", {}, p.text))),
    h("details", {}, h("summary", {}, t("tc.steps")),
      h("ol", { class: "steps" }, (call.steps || []).map(({ at, kind, ...details }) =>
        h("li", {}, h("code", {}, `${Number(at).toFixed(1)} s ${kind}`), " ", JSON.stringify(details))))),
  ];
}

// preferDraft() says whether the draft is the interesting thing to test right now.
export function testCallPanel(number, preferDraft) {
  const out = h("div", { "aria-live": "polite" });
  const form = h("form", { class: "stack", "aria-labelledby": "testcall-title" },
    fieldRow({ name: "from", label: t("tc.caller"), type: "tel", value: "+48600100200", required: true }),
    fieldRow({ name: "at", label: t("tc.at"), type: "datetime-local", value: zoneNow(), required: true }),
    fieldRow({ name: "keys", label: t("tc.keys") }),
    fieldRow({ name: "no_answer", label: t("tc.noAnswer") }),
    fieldRow({ name: "draft", label: t("tc.draft"), type: "checkbox", value: preferDraft() }),
    h("button", { type: "submit", class: "primary" }, t("tc.run")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const e = form.elements;
    const body = {
      number: number.number, from: e.from.value, at: e.at.value, keys: e.keys.value,
      no_answer: e.no_answer.value.split(",").map((s) => s.trim()).filter(Boolean), draft: e.draft.checked,
    };
    try {
      fill(out, ...resultView(await post("/api/test-call", body)));
    } catch (error) {
      const problems = error.body?.problems ? `: ${error.body.problems.join("; ")}` : "";
      fill(out, h("p", { class: "error", role: "alert" },
        error.status === 404 ? t("tc.unavailable") : `${error.message}${problems}`));
    }
  });
  return h("section", { class: "card testcall" }, h("h2", { id: "testcall-title" }, t("tc.title")), form, out);
}
