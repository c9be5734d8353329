// Minimal panel: one-time-code sign-in, then the company's users.
const $ = (sel) => document.querySelector(sel);
let email = "";

async function api(path, options = {}) {
  const response = await fetch(path, { headers: { "Content-Type": "application/json" }, ...options });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body;
}

async function showDirectory() {
  const users = await api("/api/users");
  $("#login").hidden = true;
  $("#directory").hidden = false;
  const rows = users.map((u) => {
    const tr = document.createElement("tr");
    for (const value of [`${u.first_name} ${u.last_name}`, u.extension || "", u.phone || "", u.email, u.role]) {
      const td = document.createElement("td");
      td.textContent = value;
      tr.appendChild(td);
    }
    return tr;
  });
  $("#users tbody").replaceChildren(...rows);
}

$("#code-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  email = new FormData(event.target).get("email");
  await api("/api/auth/code", { method: "POST", body: JSON.stringify({ email }) });
  $("#verify-form").hidden = false;
  $("#login-message").textContent = "If the address belongs to an admin, a code is on its way.";
});

$("#verify-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const code = new FormData(event.target).get("code");
  try {
    const who = await api("/api/auth/verify", { method: "POST", body: JSON.stringify({ email, code }) });
    $("#company").textContent = who.tenant;
    await showDirectory();
  } catch (error) {
    $("#login-message").textContent = error.message;
  }
});

showDirectory().catch(() => {});
