// A list page with add / edit / delete dialogs, shared by the directory pages.
import { del, patch, post } from "../api.js";
import { t } from "../i18n.js";
import { canEdit } from "../session.js";
import { fill, formDialog, h, table, toast } from "../ui.js";
import { pagedList } from "./listing.js";
import { confirmChange, confirmDelete, confirmDeleteUnused } from "./people.js";

// config: {title, endpoint, columns, fields(row|null) → field list, addLabel, editLabel,
//          exportUrl, exports: [[label, url]...] (several formats), nameOf(row), extraActions(row, refresh), noAddDialog, footer(refresh) → element,
//          toBody(values, row) → the body sent, errorFields(fields, values) → the API's problems by the form's fields,
//          usage: the object's kind in its usages' words ("user", "group", "box" ...); none for objects
//          no scenario or number uses (contacts)}
export async function crudPage(config) {
  const section = h("section", { "aria-labelledby": "page-title" });
  const footer = config.footer && canEdit() ? config.footer(() => refresh()) : null;
  const editable = canEdit();
  const columns = [...config.columns, {
    label: t("actions"),
    value: (row) => h("div", { class: "row-actions" },
      config.extraActions ? config.extraActions(row, refresh) : null,
      editable ? h("button", { type: "button", onclick: () => open(row) }, t("edit")) : null,
      editable ? h("button", { type: "button", class: "danger", onclick: () => remove(row) }, t("delete")) : null),
  }];
  const list = pagedList({ endpoint: config.endpoint, draw: (rows) => table(columns, rows) });
  const refresh = () => list.load();
  fill(section,
    h("header", { class: "page-head" },
      h("h1", { id: "page-title" }, config.title),
      h("div", { class: "toolbar" },
        config.exportUrl ? h("a", { class: "button", href: config.exportUrl, download: "" }, t("export")) : null,
        ...(config.exports || []).map(([label, url]) => h("a", { class: "button", href: url, download: "" }, label)),
        editable && !config.noAddDialog
          ? h("button", { type: "button", class: "primary", onclick: () => open(null) }, `+ ${config.addLabel}`) : null)),
    editable ? null : h("p", { class: "note" }, t("readOnly")),
    list.search, list.results, list.pager, footer);

  async function open(row) {
    const fields = await config.fields(row);
    formDialog({
      title: row ? config.editLabel : config.addLabel,
      fields,
      onSubmit: async (values) => {
        const data = config.toBody ? config.toBody(values, row) : values;
        // The form stays open with its edits when the admin would rather not touch live calls.
        if (row && config.usage && !await confirmChange(config.endpoint, row, config.nameOf(row), objectWord(row))) {
          throw new Error(t("use.notSaved"));
        }
        try {
          if (row) await patch(`${config.endpoint}/${row.id}`, data);
          else await post(config.endpoint, data);
        } catch (error) {
          // A body shaped unlike the form (toBody) has its problems named by the form's fields.
          if (config.errorFields && error.body?.fields) error.fields = config.errorFields(error.body.fields, values);
          throw error;
        }
        toast(t("saved"));
        await refresh();
      },
    });
  }

  const objectWord = (row) => t(`use.${config.usage}`, { name: `„${config.nameOf(row)}”` });

  async function remove(row) {
    const asked = config.usage ? confirmDelete(config.endpoint, row, config.nameOf(row), objectWord(row))
      : confirmDeleteUnused(config.nameOf(row));
    if (!await asked) return;
    try {
      await del(`${config.endpoint}/${row.id}`);
      toast(t("deleted"));
      await refresh();
    } catch (error) {
      toast(error.fields.used_by ? t("usedBy", { where: error.fields.used_by.join("; ") }) : error.message, "error");
    }
  }

  await refresh();
  return section;
}

export const options = (rows, label, { empty } = {}) =>
  [...(empty ? [["", t("none")]] : []), ...rows.map((row) => [row.id, label(row)])];

export const fullName = (u) => `${u.first_name} ${u.last_name}`;

// Where calls nobody answered go: a voicemail box or an outside number (the server keeps one of them).
// `prefix` names the company's default ("default_"); the labels are "<labels>.box", "<labels>.number", "<labels>.help".
export function fallbackFields(boxes, row, { prefix = "", labels = "fallback" } = {}) {
  return [
    { name: `${prefix}fallback_box_id`, label: t(`${labels}.box`), type: "select", nullable: true, numeric: true,
      value: row?.[`${prefix}fallback_box_id`], options: options(boxes, (b) => b.name, { empty: true }) },
    { name: `${prefix}fallback_number`, label: t(`${labels}.number`), type: "tel", nullable: true,
      help: t(`${labels}.help`), value: row?.[`${prefix}fallback_number`] },
  ];
}
