// A searched and paged list: a search box above it, one page of rows, a pager below (GET ?q=&page=&per_page=).
import { getPage } from "../api.js";
import { t } from "../i18n.js";
import { fill, h, nextId } from "../ui.js";

const PER_PAGE = 25;

// endpoint: the list's API path; draw(rows) → the element showing one page;
// query(): the page's other filters (URLSearchParams). Returns {search, results, pager, load(page)}.
export function pagedList({ endpoint, draw, query = () => new URLSearchParams(), perPage = PER_PAGE }) {
  let page = 1;
  let pages = 1;
  const id = nextId("search");
  const box = h("input", { id, type: "search", name: "q", autocomplete: "off", maxlength: 100 });
  const search = h("form", { class: "search", role: "search" },
    h("label", { for: id }, t("list.search")), box, h("button", { type: "submit" }, t("list.find")));
  const results = h("div", {});
  const status = h("p", { class: "pager-status", "aria-live": "polite" });
  const previous = h("button", { type: "button" }, t("list.previous"));
  const next = h("button", { type: "button" }, t("list.next"));
  // a landmark of its own, not a <nav>: the stylesheet lays out the menu by that tag
  const pager = h("div", { class: "pager", role: "navigation", "aria-label": t("list.pages") }, previous, status, next);

  let asked = 0; // the newest request: an older answer arriving late is not shown over it
  async function load(wanted = page) {
    const mine = ++asked;
    const params = query();
    params.set("page", wanted);
    params.set("per_page", perPage);
    if (box.value.trim()) params.set("q", box.value.trim());
    try {
      const { rows, total } = await getPage(`${endpoint}?${params}`);
      if (mine !== asked) return;
      pages = Math.max(1, Math.ceil(total / perPage));
      // the last row of the last page deleted: show the page before
      if (wanted > pages) return load(pages);
      page = wanted;
      fill(results, draw(rows));
      status.textContent = t(box.value.trim() ? "list.found" : "list.status", { page, pages, total });
    } catch (error) {
      if (mine !== asked) return;
      fill(results, h("p", { class: "error", role: "alert" }, error.message));
      status.textContent = "";
    }
    showButtons();
  }

  function showButtons() {
    const focused = document.activeElement;
    previous.disabled = page <= 1;
    next.disabled = page >= pages;
    // a button that just went out of use hands the keyboard to the other one
    if (focused === previous && previous.disabled && !next.disabled) next.focus();
    if (focused === next && next.disabled && !previous.disabled) previous.focus();
  }

  let typing;
  box.addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(() => load(1), 300);
  });
  search.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(typing);
    load(1);
  });
  previous.addEventListener("click", () => load(page - 1));
  next.addEventListener("click", () => load(page + 1));
  return { search, results, pager, load };
}
