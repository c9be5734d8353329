// Sign-in with a one-time code sent to the admin's e-mail; the code can be sent again.
import { post } from "../api.js";
import { language, t } from "../i18n.js";
import { fieldRow, h } from "../ui.js";

// "in 2 minutes" / "za 2 minuty": how long the server asks to wait, in the panel's language.
export function waitWords(seconds) {
  const words = new Intl.RelativeTimeFormat(language(), { numeric: "always" });
  if (seconds < 60) return words.format(seconds, "second");
  if (seconds < 3600) return words.format(Math.ceil(seconds / 60), "minute");
  return words.format(Math.ceil(seconds / 3600), "hour");
}

export function loginPage(onSignedIn) {
  let email = "";
  const message = h("p", { role: "status", class: "message" });
  const codeForm = h("form", { class: "stack", id: "code-form" },
    fieldRow({ name: "email", label: t("login.email"), type: "email", required: true, autocomplete: "username" }),
    h("button", { type: "submit", class: "primary" }, t("login.send")));
  const again = h("button", { type: "button", class: "link" }, t("login.again"));
  const verifyForm = h("form", { class: "stack", id: "verify-form", hidden: true },
    fieldRow({ name: "code", label: t("login.code"), inputmode: "numeric", required: true,
      autocomplete: "one-time-code" }),
    h("div", { class: "buttons" }, h("button", { type: "submit", class: "primary" }, t("login.submit")), again));

  async function sendCode(sentText) {
    try {
      await post("/api/auth/code", { email });
      message.textContent = sentText;
      verifyForm.hidden = false;
      verifyForm.elements.code.focus();
    } catch (error) {
      message.textContent = error.status === 429 && error.retryAfter
        ? t("login.wait", { when: waitWords(error.retryAfter) }) : error.message;
    }
  }
  codeForm.addEventListener("submit", (event) => {
    event.preventDefault();
    email = codeForm.elements.email.value.trim();
    sendCode(t("login.sent"));
  });
  again.addEventListener("click", () => sendCode(t("login.sentAgain")));
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
