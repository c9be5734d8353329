// Sign-in with a one-time code sent to the admin's e-mail.
import { post } from "../api.js";
import { t } from "../i18n.js";
import { fieldRow, h } from "../ui.js";

export function loginPage(onSignedIn) {
  let email = "";
  const message = h("p", { role: "status", class: "message" });
  const codeForm = h("form", { class: "stack", id: "code-form" },
    fieldRow({ name: "email", label: t("login.email"), type: "email", required: true, autocomplete: "username" }),
    h("button", { type: "submit", class: "primary" }, t("login.send")));
  const verifyForm = h("form", { class: "stack", id: "verify-form", hidden: true },
    fieldRow({ name: "code", label: t("login.code"), inputmode: "numeric", required: true,
      autocomplete: "one-time-code" }),
    h("button", { type: "submit", class: "primary" }, t("login.submit")));

  codeForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    email = codeForm.elements.email.value.trim();
    try {
      await post("/api/auth/code", { email });
      message.textContent = t("login.sent");
      verifyForm.hidden = false;
      verifyForm.elements.code.focus();
    } catch (error) {
      message.textContent = error.message;
    }
  });
  verifyForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await post("/api/auth/verify", { email, code: verifyForm.elements.code.value.trim() });
      await onSignedIn();
    } catch {
      message.textContent = t("login.wrong");
    }
  });
  return h("section", { class: "login card", "aria-labelledby": "login-title" },
    h("h1", { id: "login-title" }, t("login.title")), codeForm, verifyForm, message);
}
