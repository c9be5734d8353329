// Announcements: text read by a male or female voice, or an uploaded mp3; listen to each one.
import { api, post } from "../api.js";
import { t } from "../i18n.js";
import { fieldRow, h, showErrors, toast } from "../ui.js";
import { crudPage } from "./crud.js";

const languageOptions = () => [["pl", t("lang.pl")], ["en", t("lang.en")]];

function submitter(form, send, refresh) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      await send();
      form.reset();
      showErrors(form, {});
      toast(t("saved"));
      await refresh();
    } catch (error) {
      showErrors(form, error.fields || {});
      if (!Object.keys(error.fields || {}).length) toast(error.message, "error");
    } finally {
      button.disabled = false;
    }
  });
}

function creationForms(refresh) {
  const tts = h("form", { class: "stack card", "aria-label": t("ann.tts") }, h("h2", {}, t("ann.tts")),
    fieldRow({ name: "name", label: t("name"), required: true }),
    fieldRow({ name: "text", label: t("text"), type: "textarea", required: true }),
    fieldRow({ name: "language", label: t("language"), type: "select", options: languageOptions() }),
    fieldRow({ name: "voice", label: t("voice"), type: "select",
      options: [["female", t("voice.female")], ["male", t("voice.male")]] }),
    h("button", { type: "submit", class: "primary" }, t("convert")));
  submitter(tts, () => post("/api/announcements", Object.fromEntries(new FormData(tts))), refresh);
  const upload = h("form", { class: "stack card", "aria-label": t("ann.upload") }, h("h2", {}, t("ann.upload")),
    fieldRow({ name: "name", label: t("name"), required: true }),
    fieldRow({ name: "language", label: t("language"), type: "select", options: languageOptions() }),
    fieldRow({ name: "file", label: t("file"), type: "file", required: true }),
    h("button", { type: "submit", class: "primary" }, t("upload")));
  upload.elements.file.accept = ".mp3,audio/mpeg";
  submitter(upload, () => api("/api/announcements/upload", { method: "POST", form: new FormData(upload) }), refresh);
  return h("div", { class: "two-columns" }, tts, upload);
}

export function announcementsPage() {
  return crudPage({
    title: t("ann.title"), endpoint: "/api/announcements", addLabel: t("add"), editLabel: t("edit"),
    nameOf: (a) => a.name, usage: "announcement",
    columns: [
      { label: t("name"), value: (a) => a.name },
      { label: t("source"), value: (a) => `${t(`source.${a.source}`)}${a.source === "tts" ? `, ${t(`voice.${a.voice}`)}` : ""}` },
      { label: t("language"), value: (a) => t(`lang.${a.language}`) },
      { label: t("text"), value: (a) => a.text },
      { label: t("duration"), value: (a) => (a.duration_seconds ? `${a.duration_seconds.toFixed(1)} s` : "") },
      { label: t("listen"), value: (a) => (a.rendered
        ? h("audio", { controls: true, preload: "none", src: `/api/announcements/${a.id}.wav`, "aria-label": `${t("listen")}: ${a.name}` }) : "") },
    ],
    noAddDialog: true, // new announcements come from the two forms under the list
    footer: creationForms,
    fields: (a) => [
      { name: "name", label: t("name"), required: true, value: a?.name },
      ...(a?.source === "tts" ? [
        { name: "text", label: t("text"), type: "textarea", value: a.text },
        { name: "voice", label: t("voice"), type: "select", value: a.voice,
          options: [["female", t("voice.female")], ["male", t("voice.male")]] },
        { name: "language", label: t("language"), type: "select", value: a.language, options: languageOptions() },
      ] : []),
    ],
  });
}
