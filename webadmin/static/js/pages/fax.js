// Faxes: those received by a scenario's fax node and those sent from here; send a PDF to a number.
import { api, get } from "../api.js";
import { formatTime, t } from "../i18n.js";
import { fieldRow, fill, h, showErrors, table, toast } from "../ui.js";

const statusText = (f) => t(`fax.status.${f.status}`) + (f.reason ? ` (${f.reason})` : "");

function faxTable(faxes) {
  return table([
    { label: t("fax.when"), value: (f) => formatTime(f.created_at) },
    { label: t("fax.direction"), value: (f) => t(`fax.dir.${f.direction}`) },
    { label: t("fax.number"), value: (f) => f.number },
    { label: t("fax.pages"), value: (f) => String(f.pages) },
    { label: t("fax.status"), value: statusText },
    { label: t("fax.attempts"), value: (f) => (f.direction === "out" ? String(f.attempts) : "") },
    { label: t("fax.document"), value: (f) => (f.pages
      ? h("a", { href: `/api/faxes/${f.id}.pdf`, target: "_blank", rel: "noopener" }, f.document || t("fax.pdf")) : "") },
  ], faxes, { caption: t("fax.list") });
}

function sendForm(refresh) {
  const form = h("form", { class: "stack card", "aria-label": t("fax.send") }, h("h2", {}, t("fax.send")),
    fieldRow({ name: "number", label: t("fax.to"), required: true, help: t("fax.toHelp") }),
    fieldRow({ name: "file", label: t("fax.file"), type: "file", required: true }),
    h("button", { type: "submit", class: "primary" }, t("fax.sendButton")));
  form.elements.file.accept = ".pdf,application/pdf";
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const sent = await api("/api/faxes", { method: "POST", form: new FormData(form) });
      form.reset();
      showErrors(form, {});
      toast(t("fax.queued", { number: sent.number, pages: sent.pages }));
      await refresh();
    } catch (error) {
      showErrors(form, error.fields || {});
      if (!Object.keys(error.fields || {}).length) toast(error.message, "error");
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

export async function faxPage() {
  const list = h("div", {});
  const refresh = async () => fill(list, faxTable(await get("/api/faxes")));
  await refresh();
  return h("section", {}, h("h1", {}, t("fax.title")), h("p", { class: "note" }, t("fax.help")),
    sendForm(refresh), list);
}
