// The REST API's OpenAPI document (/api/openapi.json) as a readable page: operations by area, then the
// body schemas with their fields. Rendered here because the CSP allows no outside scripts.
import { get } from "../api.js";
import { t } from "../i18n.js";
import { h } from "../ui.js";

const refName = (schema) => (schema?.$ref || "").split("/").pop();

function typeOf(property) {
  if (property.$ref) return refName(property);
  if (property.type === "array") return `${typeOf(property.items || {})}[]`;
  return [property.type || "object", property.format].filter(Boolean).join(", ");
}

function limits(property) {
  const parts = [];
  if (property.enum) parts.push(property.enum.map((v) => JSON.stringify(v)).join(" | "));
  if (property.minLength !== undefined || property.maxLength !== undefined) {
    parts.push(`${t("api.length")} ${property.minLength ?? 0}–${property.maxLength ?? "∞"}`);
  }
  if (property.minimum !== undefined || property.maximum !== undefined) {
    parts.push(`${property.minimum ?? "−∞"}–${property.maximum ?? "∞"}`);
  }
  return parts.join("; ");
}

function fields(schema) {
  const required = new Set(schema.required || []);
  const rows = Object.entries(schema.properties || {}).map(([name, property]) => h("li", {},
    h("code", {}, name), required.has(name) ? h("strong", {}, ` (${t("api.required")})`) : null,
    ` — ${typeOf(property)}`, limits(property) ? ` — ${limits(property)}` : null));
  return rows.length ? h("ul", { class: "api-fields" }, rows) : h("p", { class: "note" }, t("api.anyFields"));
}

function operation(path, method, op, schemas) {
  const body = refName(op.requestBody?.content?.["application/json"]?.schema);
  return h("details", { class: "api-operation" },
    h("summary", {}, h("span", { class: `api-method ${method}` }, method.toUpperCase()), " ",
      h("code", { class: "api-path" }, path), " ", h("span", {}, op.summary)),
    op.description ? h("p", {}, op.description) : null,
    h("p", { class: "note" }, op["x-admin-level"] ? `${t("api.level")}: ${op["x-admin-level"]}` : t("api.public")),
    body ? [h("h4", {}, `${t("api.body")}: ${body}`), fields(schemas[body] || {})] : null);
}

export async function apiDocsPage() {
  const document = await get("/api/openapi.json");
  const schemas = document.components.schemas;
  const byTag = {};
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(item)) (byTag[op.tags[0]] ??= []).push(operation(path, method, op, schemas));
  }
  return h("section", { class: "api-docs" },
    h("header", { class: "page-head" }, h("h1", {}, t("api.title"))),
    h("p", {}, document.info.description, " ", h("a", { href: "/api/openapi.json", download: "openapi.json" },
      t("api.download", { version: document.openapi }))),
    Object.entries(byTag).map(([tag, operations]) => h("section", { class: "card api-tag" }, h("h2", {}, tag), operations)),
    h("h2", {}, t("api.schemas")),
    Object.entries(schemas).map(([name, schema]) => h("details", { class: "api-schema" },
      h("summary", {}, h("code", {}, name)), fields(schema))));
}
