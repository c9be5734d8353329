// The owner's API tokens for scripts (the token is shown once, at creation), and signing out
// on every device.
import { del, get, post } from "../api.js";
import { formatTime, t } from "../i18n.js";
import { fieldRow, fill, h, readField, table, toast } from "../ui.js";

export function sessionsSection() {
  const everywhere = async () => {
    await post("/api/auth/logout-everywhere");
    location.hash = "";
    location.reload();
  };
  return h("section", { "aria-labelledby": "sessions-title" },
    h("h2", { id: "sessions-title" }, t("sessions.title")),
    h("p", { class: "note" }, t("sessions.help")),
    h("button", { type: "button", onclick: everywhere }, t("sessions.everywhere")));
}

export async function tokensSection() {
  const section = h("section", { "aria-labelledby": "tokens-title" });
  const fields = [
    { name: "name", label: t("tokens.name"), required: true },
    { name: "scope", label: t("tokens.scope"), type: "select", value: "read",
      options: [["read", t("tokens.scope.read")], ["full", t("tokens.scope.full")]] },
  ];

  async function show(created) {
    const live = (await get("/api/tokens")).tokens.filter((token) => !token.revoked_at);
    const revoke = (token) => h("button", { type: "button", class: "link", onclick: async () => {
      await del(`/api/tokens/${token.id}`);
      await show();
    } }, t("tokens.revoke"));
    const form = h("form", { class: "stack", "aria-label": t("tokens.create") }, fields.map(fieldRow),
      h("div", { class: "buttons" }, h("button", { type: "submit", class: "primary" }, t("tokens.create"))));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        await show(await post("/api/tokens", Object.fromEntries(fields.map((f) => [f.name, readField(form, f)]))));
      } catch (error) {
        toast(error.message, "error");
      }
    });
    fill(section,
      h("h2", { id: "tokens-title" }, t("tokens.title")),
      h("p", { class: "note" }, t("tokens.help"), " ", h("a", { href: "#/api" }, t("api.title"))),
      created ? h("p", { role: "status" }, t("tokens.once"), " ", h("code", { id: "new-token" }, created.token)) : null,
      table([
        { label: t("tokens.name"), value: (token) => token.name },
        { label: t("tokens.scope"), value: (token) => t(`tokens.scope.${token.scope}`) },
        { label: t("tokens.created"), value: (token) => formatTime(token.created_at) },
        { label: t("tokens.lastUsed"), value: (token) => formatTime(token.last_used_at) },
        { label: t("tokens.actions"), value: revoke },
      ], live),
      form);
  }

  await show();
  return section;
}
