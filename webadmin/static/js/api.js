// JSON calls to the panel's REST API; a failed call throws ApiError with the field errors.

export class ApiError extends Error {
  constructor(status, body, headers) {
    super(body.error || `HTTP ${status}`);
    this.status = status;
    // refused as too many (429): the seconds until the server takes the request again
    this.retryAfter = Number(headers?.get("Retry-After")) || null;
    // a field's nested errors (list items, sub-fields) as the server words them for people: items from 1
    this.fields = Object.fromEntries(Object.entries(body.fields || {})
      .map(([name, value]) => [name, Array.isArray(value) ? value : body.field_text?.[name] ?? value]));
    this.body = body;
  }
}

// The session's CSRF token, set by the server at sign-in in a cookie scripts may read.
export function csrfToken() {
  const cookie = document.cookie.split("; ").find((pair) => pair.startsWith("centralka_csrf="));
  return cookie ? decodeURIComponent(cookie.slice("centralka_csrf=".length)) : "";
}

async function send(path, { method = "GET", json, form } = {}) {
  // The API words its error messages in the panel's current language.
  const options = { method, headers: { "Accept-Language": document.documentElement.lang } };
  // Every change carries the CSRF token; the server refuses one without it.
  if (method !== "GET") options.headers["X-CSRF-Token"] = csrfToken();
  if (json !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(json);
  } else if (form) {
    options.body = form; // multipart: the browser sets the boundary
  }
  const response = await fetch(path, options);
  const body = response.status === 204 ? {} : await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(response.status, body, response.headers);
  return { body, response };
}

export const api = async (path, options) => (await send(path, options)).body;

// One page of a list: its rows, and how many the whole search found (the X-Total-Count header).
export async function getPage(path) {
  const { body, response } = await send(path);
  return { rows: body, total: Number(response.headers.get("X-Total-Count") ?? body.length) };
}

export const get = (path) => api(path);
export const post = (path, json) => api(path, { method: "POST", json: json ?? {} });
export const patch = (path, json) => api(path, { method: "PATCH", json });
export const put = (path, json) => api(path, { method: "PUT", json });
export const del = (path) => api(path, { method: "DELETE" });
