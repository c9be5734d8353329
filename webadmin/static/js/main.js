// The panel: sign-in, then one page per hash route (#/users, #/scenario/3 ...).
import { get, post } from "./api.js";
import { setLanguage, setZone, t } from "./i18n.js";
import { choose, fill, h } from "./ui.js";
import { leaving, session } from "./session.js";
import { loginPage } from "./pages/login.js";
import { dashboardPage } from "./pages/dashboard.js";
import { usersPage, groupsPage, numbersPage, voicemailPage, listsPage } from "./pages/directory.js";
import { announcementsPage } from "./pages/announcements.js";
import { contactsPage } from "./pages/contacts.js";
import { surveysPage } from "./pages/surveys.js";
import { faxPage } from "./pages/fax.js";
import { callsPage, recordingsPage, auditPage } from "./pages/reports.js";
import { reportsPage } from "./pages/statistics.js";
import { scenarioPage } from "./pages/scenario.js";
import { companyPage } from "./pages/company.js";
import { apiDocsPage } from "./pages/apidocs.js";
import { receptionPage } from "./pages/reception.js";
import { exportsPage } from "./pages/exports.js";
import { guardDownloads } from "./downloads.js";

const routes = {
  dashboard: dashboardPage, users: usersPage, groups: groupsPage, numbers: numbersPage,
  announcements: announcementsPage, voicemail: voicemailPage, lists: listsPage, contacts: contactsPage, fax: faxPage,
  calls: callsPage,
  reports: reportsPage, recordings: recordingsPage, audit: auditPage, scenario: scenarioPage, company: companyPage,
  api: apiDocsPage, exports: exportsPage, reception: receptionPage, surveys: surveysPage,
};
// A receptionist who is no admin sees the reception page only.
const adminOnly = () => (session.me?.admin_level ?? 0) === 0;

const view = document.getElementById("view");
const nav = document.getElementById("nav");
const menu = document.getElementById("menu-toggle");
guardDownloads(document);

// On narrow windows the menu folds behind its button (panel.css); choosing a page folds it again.
function showMenu(open) {
  nav.classList.toggle("open", open);
  menu.setAttribute("aria-expanded", String(open));
}
menu.addEventListener("click", () => showMenu(!nav.classList.contains("open")));
nav.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && nav.classList.contains("open")) {
    showMenu(false);
    menu.focus();
  }
});

async function render() {
  if (!session.me) return;
  leaving.loses = null;
  const [name, ...args] = location.hash.replace(/^#\/?/, "").split("/");
  const page = adminOnly() ? receptionPage : routes[name] || dashboardPage;
  showMenu(false);
  for (const link of document.querySelectorAll("#nav a")) {
    link.toggleAttribute("aria-current", link.getAttribute("href") === `#/${name}`);
  }
  fill(view, h("p", { class: "loading" }, "…"));
  try {
    fill(view, await page(...args));
  } catch (error) {
    fill(view, h("p", { class: "error", role: "alert" }, error.message));
  }
  view.focus();
}

async function start() {
  try {
    session.me = await get("/api/auth/me");
  } catch {
    session.me = null;
  }
  setLanguage(localStorage.getItem("centralka.language") || session.me?.tenant.language || "pl");
  document.getElementById("language").value = document.documentElement.lang;
  const signedIn = !!session.me;
  nav.hidden = !signedIn;
  menu.hidden = !signedIn;
  document.getElementById("sign-out").hidden = !signedIn;
  document.getElementById("company").textContent = session.me?.tenant.name || "";
  for (const item of nav.querySelectorAll("[data-admin]")) item.hidden = adminOnly();
  nav.querySelector("[data-receptionist]").hidden = !session.me?.receptionist;
  const rights = adminOnly() ? t("nav.reception") : t(`level.${session.me?.admin_level}`);
  document.getElementById("who").textContent = signedIn ? `${session.me.name} (${rights})` : "";
  if (!signedIn) {
    fill(view, loginPage(start));
    return;
  }
  setZone(session.me.tenant.timezone);
  await render();
}

// Whether the open page may go: nothing would be lost, or the admin says to leave and discard it.
async function mayLeave() {
  const lost = leaving.loses?.();
  if (!lost) return true;
  const answer = await choose({ title: t("leave.title"), text: lost, cancel: "stay",
    buttons: [["stay", t("leave.stay"), "primary"], ["leave", t("leave.go"), "danger"]] });
  if (answer === "leave") leaving.loses = null;
  return answer === "leave";
}

document.getElementById("language").addEventListener("change", async (event) => {
  if (!(await mayLeave())) {
    event.target.value = document.documentElement.lang;
    return;
  }
  localStorage.setItem("centralka.language", event.target.value);
  start();
});
document.getElementById("sign-out").addEventListener("click", async () => {
  if (!(await mayLeave())) return;
  await post("/api/auth/logout");
  location.hash = "";
  start();
});
// Leaving a page with unsaved work asks first: the address goes back until the admin says to leave.
let shown = location.hash;
let returning = false;
window.addEventListener("hashchange", async () => {
  if (returning) {
    returning = false;
    return;
  }
  if (leaving.loses?.()) {
    const target = location.hash;
    returning = true;
    location.hash = shown;
    if (await mayLeave()) location.hash = target;
    return;
  }
  shown = location.hash;
  render();
});
// Closing the tab or reloading: the browser's own question (it shows no text of ours).
window.addEventListener("beforeunload", (event) => {
  if (leaving.loses?.()) event.preventDefault();
});
start();
