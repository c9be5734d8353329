// The scenario editor of one main number: tree + side form, JSON view, problems next to nodes,
// save / check / publish, version history with diff and rollback, and a test call.
import { get, post, put } from "../api.js";
import { formatTime, t } from "../i18n.js";
import { canEdit, leaving } from "../session.js";
import { choose, fill, h, toast } from "../ui.js";
import { KEY_NAME, childAt, find, freeKeys, newNode, setChild, showPath, slotLabel, slots, summary, targets } from "./scenario-tree.js";
import { nodeForm, showProblems } from "./scenario-form.js";
import { setOpen, treeKeys } from "./scenario-keys.js";
import { testCallPanel } from "./testcall.js";
import { calendarPanel } from "./scenario-calendar.js";
import { overridePanel } from "./overrides.js";

async function loadRefs() {
  const [users, groups, announcements, boxes, lists, surveys, kinds] = await Promise.all(["/api/users", "/api/groups",
    "/api/announcements", "/api/voicemail-boxes", "/api/number-lists", "/api/surveys", "/api/node-kinds"].map(get));
  return { refs: { users, groups, announcements, boxes, lists, surveys }, kinds };
}

// The kind last picked stays picked in every picker, whatever redraws the tree in between.
function kindPicker(kinds, onPick, label, { chosen, tabindex }) {
  const select = h("select", { "aria-label": t("sc.newKind"), tabindex, onchange: () => { chosen.kind = select.value; } },
    Object.keys(kinds).map((k) => [k, t(`kind.${k}`)]).sort((a, b) => a[1].localeCompare(b[1]))
      .map(([k, text]) => h("option", { value: k, selected: k === chosen.kind }, text)));
  return h("span", { class: "add-slot" }, select,
    h("button", { type: "button", tabindex, onclick: () => onPick(select.value) }, `+ ${label}`));
}

export async function scenarioPage(numberId) {
  const base = `/api/main-numbers/${numberId}/scenario`;
  const [number, scenario, { refs, kinds }] = await Promise.all([get(`/api/main-numbers/${numberId}`), get(base), loadRefs()]);
  const editable = canEdit();
  const state = { doc: scenario.draft && structuredClone(scenario.draft), selected: null, check: scenario.check,
    versions: scenario.versions, dirty: false, edits: 0, collapsed: new Set(), focus: null, form: null, chosen: {} };
  leaving.loses = () => (state.dirty ? t("leave.unsaved") : state.form?.modified() ? t("leave.unapplied") : null);

  const status = h("p", { class: "status", role: "status" });
  const treeBox = h("div", { class: "tree", role: "region", "aria-label": t("sc.tree") });
  treeBox.addEventListener("keydown", treeKeys({ state, onPick: (id) => pick(id, "tree") }));
  const formBox = h("aside", { class: "side", "aria-label": t("sc.node") });
  const problemsBox = h("section", { class: "problems", "aria-label": t("sc.errors") });
  const jsonArea = h("textarea", { class: "json", rows: 24, spellcheck: "false", "aria-label": t("sc.json"), readOnly: !editable });
  const jsonPanel = h("div", { hidden: true, class: "json-panel" }, jsonArea, editable
    ? h("button", { type: "button", onclick: applyJson }, t("sc.applyJson")) : null);
  const treePanel = h("div", { class: "editor" }, treeBox, formBox);
  const versionsBox = h("section", { class: "versions card", "aria-labelledby": "versions-title" });
  const nameInput = h("input", { id: "scenario-name", value: state.doc?.name || "", disabled: !editable,
    onchange: (e) => { if (state.doc) { state.doc.name = e.target.value; changed(); } } });
  const noteInput = h("input", { id: "publish-note", placeholder: t("sc.note"), "aria-label": t("sc.note") });

  function problemsOf(id) {
    const c = state.check || { errors: [], warnings: [] };
    return [...c.errors.filter((p) => p.node_id === id).map((p) => ({ level: "error", message: p.message })),
      ...c.warnings.filter((p) => p.node_id === id).map((p) => ({ level: "warning", message: p.message }))];
  }

  function showStatus() {
    const c = state.check;
    const parts = [state.dirty ? t("sc.unsaved") : null,
      c ? (c.errors.length ? `${t("sc.errors")}: ${c.errors.length}` : t("sc.ok")) : null,
      c?.warnings.length ? `${t("sc.warnings")}: ${c.warnings.length}` : null];
    status.textContent = parts.filter(Boolean).join(" · ");
    status.className = `status ${c?.errors.length ? "bad" : "good"}`;
  }

  // WAI-ARIA tree: each node an item with a roving tabindex (scenario-keys.js moves it); the row is its name.
  function renderNode(node, slot, level) {
    const selected = state.selected === node.id;
    const row = h("div", { class: `node-row kind-${node.kind}${selected ? " selected" : ""}`, id: `tree-row-${node.id}`,
      "data-node": node.id, onclick: () => pick(node.id) },
    h("span", { class: "twisty", "aria-hidden": "true", onclick: (event) => {
      event.stopPropagation();
      const item = event.target.closest("[role=treeitem]");
      if (item.hasAttribute("aria-expanded")) setOpen(item, item.getAttribute("aria-expanded") === "false", state);
    } }),
    slot ? h("span", { class: "branch" }, slotLabel(slot)) : null,
    h("span", { class: "kind" }, t(`kind.${node.kind}`)),
    h("span", { class: "name" }, node.name || ""), h("span", { class: "summary" }, summary(node, refs, kinds)),
    h("code", { class: "id" }, node.id), h("span", { class: "marks" }));
    const children = slots(node, kinds).filter((s) => childAt(node, s)).map((s) => renderNode(childAt(node, s), s, level + 1));
    const open = !children.length || !state.collapsed.has(node.id);
    const adder = editable ? slotAdder(node, selected) : null;
    if (adder) adder.hidden = !open;
    return h("li", { role: "treeitem", "aria-level": level, "aria-labelledby": row.id, "aria-selected": String(selected),
      "aria-expanded": children.length ? String(open) : null, "aria-describedby": `tree-notes-${node.id}`,
      tabindex: "-1", "data-item": node.id },
    row, h("ul", { class: "node-problems", id: `tree-notes-${node.id}`, hidden: true }),
    children.length ? h("ul", { role: "group", hidden: !open }, children) : null, adder);
  }

  // One control per node adds a child to any empty branch (or a free menu key); Tab reaches the selected node's only.
  function slotAdder(node, selected) {
    const free = [...slots(node, kinds).filter((s) => !childAt(node, s)),
      ...freeKeys(node, kinds)];
    if (!free.length) return null;
    const tabindex = selected ? null : "-1";
    const slot = h("select", { "aria-label": `${t("sc.branch")} (${node.id})`, tabindex,
      onchange: () => { name.hidden = !slot.value.endsWith("."); } },
    free.map((s) => h("option", { value: s }, slotLabel(s))));
    // A branch the admin names (a server's answer): its name typed here.
    const name = h("input", { "aria-label": `${t("sc.answerName")} (${node.id})`, tabindex, size: 12,
      hidden: !free[0].endsWith(".") });
    const chosen = () => {
      if (!slot.value.endsWith(".")) return slot.value;
      if (KEY_NAME.test(name.value) && name.value !== "fallback") return slot.value + name.value;
      toast(t("sc.answerNameBad", { name: name.value }), "error");
      return null;
    };
    // Or lead the branch to a node already in the tree: one target shared by several branches.
    const existing = h("select", { "aria-label": `${t("sc.existing")} (${node.id})`, tabindex }, targets(state.doc, kinds)
      .map(([id, words]) => h("option", { value: id }, words)));
    return h("div", { class: "empty-slot" }, slot, name,
      kindPicker(kinds, (kind) => { const at = chosen(); if (at) addChild(node, at, kind); }, t("sc.addHere"),
        { chosen: state.chosen, tabindex }),
      h("span", { class: "add-slot" }, existing, h("button", { type: "button", tabindex,
        onclick: () => { const at = chosen(); if (at) addJump(node, at, existing.value); } }, `→ ${t("sc.goExisting")}`)));
  }

  async function addJump(node, slot, target) {
    if (!(await settleForm())) return;
    const jump = newNode("goto", state.doc, kinds, refs);
    setChild(node, slot, { ...jump, target });
    select(jump.id);
    changed();
  }

  function render() {
    jsonArea.value = state.doc ? JSON.stringify(state.doc, null, 2) : "";
    nameInput.value = state.doc?.name || "";
    showStatus();
    renderProblems();
    if (!state.doc) {
      fill(treeBox, h("p", {}, t("sc.empty")), editable ? kindPicker(kinds, (kind) => {
        state.doc = { name: "", root: newNode(kind, null, kinds, refs) };
        select(state.doc.root.id);
        changed();
      }, t("sc.addHere"), { chosen: state.chosen }) : null);
      fill(formBox);
      state.form = null;
      return;
    }
    const focused = treeBox.contains(document.activeElement);
    fill(treeBox, h("ul", { class: "tree-root", role: "tree", "aria-label": t("sc.tree") }, renderNode(state.doc.root, null, 1)));
    const current = treeBox.querySelector(`[data-item="${state.focus}"]`) || treeBox.querySelector("[aria-selected=true]")
      || treeBox.querySelector("[role=treeitem]");
    current.tabIndex = 0;
    if (focused) current.focus();
    markProblems();
    renderForm();
  }

  // Check results change marks in place: nothing the admin is pointing at or typing into is redrawn.
  function showCheck() {
    showStatus();
    renderProblems();
    markProblems();
    const notes = formBox.querySelector(".node-problems");
    if (notes && state.selected) showProblems(notes, problemsOf(state.selected));
  }

  function markProblems() {
    for (const item of treeBox.querySelectorAll("[role=treeitem]")) {
      const problems = problemsOf(item.dataset.item);
      fill(item.querySelector(":scope > .node-row > .marks"),
        problems.some((p) => p.level === "error") ? h("span", { class: "badge error" }, "!") : null,
        problems.some((p) => p.level === "warning") ? h("span", { class: "badge warning" }, "⚠") : null);
      showProblems(item.querySelector(":scope > .node-problems"), problems);
    }
  }

  const focusItem = (id) => treeBox.querySelector(`[data-item="${id}"]`)?.focus();

  function renderForm() {
    const found = state.selected && find(state.doc, state.selected, kinds);
    state.form = null;
    if (!found) {
      fill(formBox, h("p", { class: "note" }, t("sc.select")));
      return;
    }
    state.form = nodeForm(found.node, {
      refs, kinds, doc: state.doc, editable, problems: problemsOf(found.node.id), isRoot: !found.parent,
      onApply: (values) => {
        for (const [key, value] of Object.entries(values)) {
          if (value === null || value === "") delete found.node[key];
          else found.node[key] = value;
        }
        changed();
        focusItem(found.node.id);  // the applied node keeps the focus, so the keyboard goes on from there
      },
      onRemove: () => {
        setChild(found.parent, found.slot, undefined);
        Object.assign(state, { selected: found.parent.id, focus: found.parent.id });
        changed();
        focusItem(found.parent.id);
      },
    });
    fill(formBox, state.form);
  }

  function renderProblems() {
    const c = state.check;
    if (!c || (!c.errors.length && !c.warnings.length)) {
      fill(problemsBox);
      return;
    }
    const item = (p, level) => h("li", { class: level },
      h("button", { type: "button", class: "link", onclick: () => pick(p.node_id) }, h("code", {}, p.node_id)), ` ${p.message}`);
    fill(problemsBox,
      c.errors.length ? h("h2", {}, t("sc.errors")) : null, h("ul", {}, c.errors.map((p) => item(p, "error"))),
      c.warnings.length ? h("h2", {}, t("sc.warnings")) : null, h("ul", {}, c.warnings.map((p) => item(p, "warning"))));
  }

  function select(id, focus = "form") {
    Object.assign(state, { selected: id, focus: id });
    render();
    if (focus === "tree") focusItem(id);
    else formBox.querySelector("input, select")?.focus();
  }

  // Selecting a node from the tree or the problem list: typed but unapplied form values are never dropped unasked.
  async function pick(id, focus = "form") {
    if (id === state.selected) return;
    if (await settleForm()) select(id, focus);
  }

  // Apply, discard or stay with the form's unapplied values; true when the editor may go on.
  async function settleForm() {
    if (!state.form?.modified()) return true;
    const found = find(state.doc, state.selected, kinds);
    const answer = await choose({ title: t("sc.pendingTitle"), cancel: "stay",
      text: t("sc.pending", { node: found?.node.name || t(`kind.${found?.node.kind}`) }),
      buttons: [["apply", t("sc.apply"), "primary"], ["discard", t("sc.discard"), "danger"], ["stay", t("sc.stay")]] });
    if (answer === "apply" && !state.form.apply()) return false;
    if (answer === "stay") state.form.querySelector("input, select")?.focus();
    return answer !== "stay";
  }

  async function addChild(node, slot, kind) {
    if (!(await settleForm())) return;
    const child = newNode(kind, state.doc, kinds, refs);
    setChild(node, slot, child);
    select(child.id);
    changed();
  }

  let checkTimer;
  function changed() {
    state.dirty = true;
    state.edits += 1;
    render();
    clearTimeout(checkTimer);
    checkTimer = setTimeout(runCheck, 300);
  }

  async function runCheck() {
    if (!state.doc) return;
    const edits = state.edits;
    let check;
    try {
      check = await post(`${base}/check`, state.doc);
    } catch (error) {
      check = { ok: false, errors: [{ node_id: "scenario", message: error.message }], warnings: [] };
    }
    if (edits !== state.edits) return;  // the tree changed meanwhile: its own check follows
    state.check = check;
    showCheck();
  }

  function applyJson() {
    try {
      state.doc = JSON.parse(jsonArea.value);
    } catch (error) {
      toast(t("sc.badJson", { error: error.message }), "error");
      return;
    }
    changed();
  }

  async function save() {
    try {
      const saved = await put(`${base}/draft`, state.doc);
      Object.assign(state, { check: saved.check, dirty: false });
      showCheck();
      toast(t("sc.savedDraft"));
      return true;
    } catch (error) {
      toast(`${error.message} ${JSON.stringify(error.fields)}`, "error");
      return false;
    }
  }

  async function publish() {
    if (!(await settleForm())) return;
    if (state.dirty) {
      if (!(await save())) return;
    } else await runCheck();
    if (!(await warningsAccepted())) return;
    try {
      const version = await post(`${base}/publish`, { note: noteInput.value });
      noteInput.value = "";
      await reloadVersions();
      toast(t("sc.publishedAs", { n: version.number }));
    } catch (error) {
      if (error.body?.problems) state.check = { ok: false, errors: error.body.problems, warnings: state.check?.warnings || [] };
      render();
      toast(error.message, "error");
    }
  }

  // Warnings do not block publishing, but the admin reads them, named in words, and says yes first.
  async function warningsAccepted() {
    const { errors = [], warnings = [] } = state.check || {};
    if (errors.length || !warnings.length) return true;
    const words = (p) => {
      const node = find(state.doc, p.node_id, kinds)?.node;
      return node ? `${node.name || t(`kind.${node.kind}`)}: ${p.message}` : p.message;
    };
    const answer = await choose({ title: t("sc.warnTitle"), text: t("sc.warnText", { n: warnings.length }),
      items: warnings.map(words), cancel: "back",
      buttons: [["publish", t("sc.publishAnyway"), "primary"], ["back", t("sc.backToEdit")]] });
    return answer === "publish";
  }

  async function reloadVersions() {
    state.versions = (await get(base)).versions;
    renderVersions();
  }

  function renderVersions() {
    fill(versionsBox, ...versionsView(state.versions, {
      editable, base,
      onRollback: async (n) => {
        if (!confirm(t("sc.confirmRollback", { n }))) return;
        try {
          const version = await post(`${base}/rollback`, { version: n });
          Object.assign(state, { doc: structuredClone(version.draft), check: version.check, dirty: false });
          render();
          await reloadVersions();
          toast(t("sc.rolledBack", { n: version.number }));
        } catch (error) {
          toast(error.message, "error");
        }
      },
    }));
  }

  function tab(label, panel, other, otherTab) {
    return h("button", { type: "button", role: "tab", "aria-selected": panel === treePanel ? "true" : "false",
      onclick: (e) => {
        panel.hidden = false; other.hidden = true;
        e.target.setAttribute("aria-selected", "true"); otherTab().setAttribute("aria-selected", "false");
      } }, label);
  }
  const tabs = {};
  tabs.tree = tab(t("sc.tree"), treePanel, jsonPanel, () => tabs.json);
  tabs.json = tab(t("sc.json"), jsonPanel, treePanel, () => tabs.tree);

  render();
  renderVersions();
  const calendar = calendarPanel(number, () => !state.versions.length);
  return h("section", { class: "scenario" },
    h("header", { class: "page-head" }, h("h1", {}, t("sc.title", { number: number.number }))),
    h("div", { class: "toolbar scenario-toolbar" },
      h("label", { for: "scenario-name" }, t("name")), nameInput,
      editable ? h("button", { type: "button", onclick: save }, t("sc.save")) : null,
      h("button", { type: "button", onclick: runCheck }, t("sc.check")),
      editable ? noteInput : null,
      editable ? h("button", { type: "button", class: "primary", onclick: publish }, t("sc.publish")) : null),
    status,
    h("div", { role: "tablist", class: "tabs" }, tabs.tree, tabs.json),
    treePanel, jsonPanel, problemsBox,
    h("div", { class: "scenario-plan" }, overridePanel(number, refs, editable, () => calendar.refresh()), calendar),
    h("div", { class: "scenario-bottom" }, versionsBox, testCallPanel(number, () => state.dirty || !state.versions.length,
      { refs, showPath: (ids) => showPath(treeBox, ids) })));
}

function versionsView(versions, { editable, base, onRollback }) {
  const diffOut = h("div", { class: "diff", "aria-live": "polite" });
  const choices = [["draft", t("sc.draft")], ...versions.map((v) => [String(v.number), `${t("sc.version")} ${v.number}`])];
  const picker = (id, label, chosen) => h("label", {}, label, " ", h("select", { id },
    choices.map(([value, text]) => h("option", { value, selected: value === chosen }, text))));
  const compare = async () => {
    const from = document.getElementById("diff-from").value;
    const to = document.getElementById("diff-to").value;
    try {
      const { lines } = await get(`${base}/diff?from=${from}&to=${to}`);
      fill(diffOut, lines.length ? h("ul", {}, lines.map((l) => h("li", {}, l))) : h("p", {}, t("sc.noDiff")));
    } catch (error) {
      fill(diffOut, h("p", { class: "error" }, error.message));
    }
  };
  const rows = versions.map((v) => h("tr", {},
    h("td", {}, String(v.number), v.live ? h("span", { class: "badge live" }, t("sc.live")) : null),
    h("td", {}, formatTime(v.created_at)), h("td", {}, v.created_by), h("td", {}, v.note_text ?? v.note),
    h("td", {}, editable && !v.live ? h("button", { type: "button", onclick: () => onRollback(v.number) }, t("sc.rollback")) : null)));
  return [
    h("h2", { id: "versions-title" }, t("sc.versions")),
    h("table", {}, h("thead", {}, h("tr", {}, [t("sc.version"), t("at"), t("actor"), t("sc.note"), t("actions")]
      .map((c) => h("th", { scope: "col" }, c)))), h("tbody", {}, rows.length ? rows : h("tr", {}, h("td", { colspan: 5 }, t("noRows"))))),
    versions.length ? h("div", { class: "inline diff-pickers" }, h("strong", {}, t("sc.diff")),
      picker("diff-from", t("from"), String(versions[versions.length > 1 ? 1 : 0].number)),
      picker("diff-to", t("to"), String(versions[0].number)),
      h("button", { type: "button", onclick: compare }, t("sc.compare"))) : null,
    diffOut,
  ];
}
