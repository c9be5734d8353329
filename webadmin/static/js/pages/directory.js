// Users, groups, main numbers, voicemail boxes and number lists.
import { get } from "../api.js";
import { t } from "../i18n.js";
import { isOwner } from "../session.js";
import { fill, h } from "../ui.js";
import { crudPage, fallbackFields, fullName, options } from "./crud.js";
import { inboxDialog, sipAccountDialog } from "./people.js";

const yesNo = (value) => (value ? t("yes") : t("no"));

export function usersPage() {
  return crudPage({
    title: t("users.title"), endpoint: "/api/users", exportUrl: "/api/users.csv",
    addLabel: t("users.add"), editLabel: t("users.edit"), nameOf: fullName, usage: "user",
    extraActions: (u) => h("button", { type: "button", onclick: () => sipAccountDialog(u) }, t("sip.open")),
    columns: [
      { label: t("name"), value: fullName },
      { label: t("extension"), value: (u) => u.extension },
      { label: t("phone"), value: (u) => u.phone },
      { label: t("email"), value: (u) => u.email },
      { label: t("role"), value: (u) => t(`role.${u.role}`) },
      { label: t("admin_level"), value: (u) => t(`level.${u.admin_level}`) },
    ],
    fields: (u) => [
      { name: "first_name", label: t("first_name"), required: true, value: u?.first_name },
      { name: "last_name", label: t("last_name"), required: true, value: u?.last_name },
      { name: "phone", label: t("phone"), type: "tel", help: t("phone.help"), value: u?.phone, nullable: true },
      { name: "email", label: t("email"), type: "email", required: true, value: u?.email },
      { name: "role", label: t("role"), type: "select", value: u?.role,
        options: [["user", t("role.user")], ["admin", t("role.admin")]] },
      { name: "extension", label: t("extension"), inputmode: "numeric", value: u?.extension, nullable: true },
      { name: "description", label: t("description"), value: u?.description },
      ...(isOwner() ? [{ name: "admin_level", label: t("admin_level"), type: "select", numeric: true,
        value: u?.admin_level ?? 0, options: [0, 1, 2, 3].map((l) => [l, t(`level.${l}`)]) }] : []),
      { name: "receptionist", label: t("receptionist"), type: "checkbox", value: u?.receptionist },
      { name: "may_record_on_demand", label: t("may_record_on_demand"), type: "checkbox",
        value: u?.may_record_on_demand },
      { name: "may_present_main_number", label: t("may_present_main_number"), type: "checkbox",
        value: u?.may_present_main_number },
      { name: "always_present_main_number", label: t("always_present_main_number"), type: "checkbox",
        value: u?.always_present_main_number },
      { name: "record_calls", label: t("record_calls"), type: "checkbox", value: u?.record_calls },
    ],
  });
}

// Group members: an ordered list (the order rings first in sequential mode) with ring times.
function membersField(users, members) {
  let list = members.map((m) => ({ ...m }));
  const names = Object.fromEntries(users.map((u) => [u.id, fullName(u)]));
  const box = h("div", { class: "members" });
  const draw = () => {
    const move = (i, by) => { [list[i], list[i + by]] = [list[i + by], list[i]]; draw(); };
    const rows = list.map((m, i) => h("li", {},
      h("span", { class: "member-name" }, `${i + 1}. ${names[m.user_id] || m.user_id}`),
      h("label", {}, t("ring_seconds"), " ",
        h("input", { type: "number", min: 5, max: 300, value: m.ring_seconds, class: "short",
          onchange: (e) => { m.ring_seconds = Number(e.target.value); } })),
      h("button", { type: "button", disabled: i === 0, onclick: () => move(i, -1), "aria-label": `${t("moveUp")}: ${names[m.user_id]}` }, "↑"),
      h("button", { type: "button", disabled: i === list.length - 1, onclick: () => move(i, 1), "aria-label": `${t("moveDown")}: ${names[m.user_id]}` }, "↓"),
      h("button", { type: "button", class: "danger", onclick: () => { list.splice(i, 1); draw(); }, "aria-label": `${t("delete")}: ${names[m.user_id]}` }, "🗑")));
    const free = users.filter((u) => !list.some((m) => m.user_id === u.id));
    const picker = h("select", { "aria-label": t("addMember") }, free.map((u) => h("option", { value: u.id }, fullName(u))));
    fill(box, h("ol", { class: "plain" }, rows), free.length ? h("div", { class: "inline" }, picker,
      h("button", { type: "button", onclick: () => { list.push({ user_id: Number(picker.value), ring_seconds: 20 }); draw(); } }, t("addMember"))) : null);
  };
  draw();
  return {
    name: "members", render: () => h("fieldset", {}, h("legend", {}, t("members")), box),
    read: () => list.map(({ user_id, ring_seconds }) => ({ user_id, ring_seconds })),
  };
}

export async function groupsPage() {
  const [users, boxes] = await Promise.all([get("/api/users"), get("/api/voicemail-boxes")]);
  const modes = ["sequential", "random", "simultaneous", "longest-idle"];
  return crudPage({
    title: t("groups.title"), endpoint: "/api/groups", addLabel: t("groups.add"), editLabel: t("groups.edit"),
    nameOf: (g) => g.name, usage: "group",
    columns: [
      { label: t("name"), value: (g) => g.name },
      { label: t("extension"), value: (g) => g.extension },
      { label: t("ring_mode"), value: (g) => t(`ring.${g.ring_mode}`) },
      { label: t("members"), value: (g) => g.members.map((m) => m.name).join(", ") },
    ],
    fields: (g) => [
      { name: "name", label: t("name"), required: true, value: g?.name },
      { name: "ring_mode", label: t("ring_mode"), type: "select", value: g?.ring_mode,
        options: modes.map((m) => [m, t(`ring.${m}`)]) },
      { name: "extension", label: t("extension"), inputmode: "numeric", value: g?.extension, nullable: true },
      { name: "record_calls", label: t("record_calls"), type: "checkbox", value: g?.record_calls },
      membersField(users, g?.members || []),
      ...fallbackFields(boxes, g, { labels: "fallback.group" }),
    ],
  });
}

export async function numbersPage() {
  const [users, groups, boxes] = await Promise.all([get("/api/users"), get("/api/groups"), get("/api/voicemail-boxes")]);
  return crudPage({
    title: t("numbers.title"), endpoint: "/api/main-numbers", addLabel: t("numbers.add"),
    editLabel: t("numbers.edit"), nameOf: (n) => n.number, usage: "main_number",
    columns: [
      { label: t("number"), value: (n) => n.number },
      { label: t("label"), value: (n) => n.label },
      { label: t("is_primary"), value: (n) => yesNo(n.is_primary) },
      { label: t("scenario"), value: (n) => (n.scenario?.published_version
        ? t("published", { n: n.scenario.published_version }) : t("notPublished")) },
    ],
    extraActions: (n) => h("a", { class: "button", href: `#/scenario/${n.id}` }, t("openScenario")),
    fields: (n) => [
      ...(n ? [] : [{ name: "number", label: t("number"), type: "tel", required: true, help: t("phone.help") }]),
      { name: "label", label: t("label"), value: n?.label },
      { name: "is_primary", label: t("is_primary"), type: "checkbox", value: n?.is_primary },
      { name: "target_user_id", label: t("target_user_id"), type: "select", nullable: true, numeric: true,
        value: n?.target_user_id, options: options(users, fullName, { empty: true }) },
      { name: "target_group_id", label: t("target_group_id"), type: "select", nullable: true, numeric: true,
        value: n?.target_group_id, options: options(groups, (g) => g.name, { empty: true }) },
      ...fallbackFields(boxes, n, { labels: "fallback.number" }),
    ],
  });
}

export async function voicemailPage() {
  const [users, announcements] = await Promise.all([get("/api/users"), get("/api/announcements")]);
  return crudPage({
    title: t("vm.title"), endpoint: "/api/voicemail-boxes", addLabel: t("vm.add"), editLabel: t("vm.edit"),
    nameOf: (b) => b.name, usage: "box",
    extraActions: (b) => h("button", { type: "button", onclick: () => inboxDialog(b) }, t("inbox.open")),
    columns: [
      { label: t("name"), value: (b) => b.name },
      { label: t("recipients"), value: (b) => b.recipient_emails.join(", ") },
      { label: t("greeting_id"), value: (b) => announcements.find((a) => a.id === b.greeting_id)?.name },
      { label: t("max_seconds"), value: (b) => String(b.max_seconds) },
    ],
    fields: (b) => [
      { name: "name", label: t("name"), required: true, value: b?.name },
      { name: "greeting_id", label: t("greeting_id"), type: "select", nullable: true, numeric: true,
        value: b?.greeting_id, options: options(announcements, (a) => a.name, { empty: true }) },
      { name: "recipient_ids", label: t("recipient_ids"), type: "checkboxes", value: b?.recipient_ids,
        options: options(users, (u) => `${fullName(u)} <${u.email}>`) },
      { name: "extra_emails", label: t("extra_emails"), type: "textarea", value: (b?.extra_emails || []).join("\n"),
        read: (form) => form.elements.extra_emails.value.split("\n").map((s) => s.trim()).filter(Boolean) },
      { name: "max_seconds", label: t("max_seconds"), type: "number", min: 10, max: 600, value: b?.max_seconds ?? 180 },
    ],
  });
}

export function listsPage() {
  return crudPage({
    title: t("lists.title"), endpoint: "/api/number-lists", addLabel: t("lists.add"), editLabel: t("lists.edit"),
    nameOf: (l) => l.name, usage: "list",
    columns: [
      { label: t("name"), value: (l) => l.name },
      { label: t("kind"), value: (l) => t(`kind.${l.kind}`) },
      { label: t("count"), value: (l) => String(l.patterns.length) },
      { label: t("number"), value: (l) => l.patterns.slice(0, 5).join(", ") + (l.patterns.length > 5 ? " …" : "") },
    ],
    fields: (l) => [
      { name: "name", label: t("name"), required: true, value: l?.name },
      { name: "kind", label: t("kind"), type: "select", value: l?.kind,
        options: [["blacklist", t("kind.blacklist")], ["vip", t("kind.vip")]] },
      { name: "patterns", label: t("patterns"), type: "textarea", rows: 8, value: (l?.patterns || []).join("\n"),
        read: (form) => form.elements.patterns.value.split("\n").map((s) => s.trim()).filter(Boolean) },
    ],
  });
}
