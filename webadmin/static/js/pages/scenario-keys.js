// Arrow keys in the scenario tree, as the WAI-ARIA tree pattern has them: up/down move, right opens a node
// or enters its first child, left closes it or goes to its parent, Home/End, Enter or Space select.
// One item at a time is in the Tab order (roving tabindex); opening and closing change the page in place.

function moveTo(item, state) {
  if (!item) return;
  for (const other of item.closest("[role=tree]").querySelectorAll("[role=treeitem][tabindex='0']")) other.tabIndex = -1;
  item.tabIndex = 0;
  item.focus();
  state.focus = item.dataset.item;
}

export function setOpen(item, open, state) {
  item.setAttribute("aria-expanded", String(open));
  for (const part of item.querySelectorAll(":scope > [role=group], :scope > .empty-slot")) part.hidden = !open;
  state.collapsed[open ? "delete" : "add"](item.dataset.item);
}

// A keydown handler for the box holding the tree; onPick(id) selects a node.
export function treeKeys({ state, onPick }) {
  return (event) => {
    const item = event.target;
    if (item.getAttribute?.("role") !== "treeitem") return;
    const tree = item.closest("[role=tree]");
    const shown = [...tree.querySelectorAll("[role=treeitem]")].filter((i) => !i.parentElement.closest("[hidden]"));
    const at = shown.indexOf(item);
    const expanded = item.getAttribute("aria-expanded");
    const actions = {
      ArrowDown: () => moveTo(shown[at + 1], state),
      ArrowUp: () => moveTo(shown[at - 1], state),
      Home: () => moveTo(shown[0], state),
      End: () => moveTo(shown[shown.length - 1], state),
      ArrowRight: () => (expanded === "false" ? setOpen(item, true, state)
        : moveTo(expanded === "true" ? item.querySelector("[role=treeitem]") : null, state)),
      ArrowLeft: () => (expanded === "true" ? setOpen(item, false, state)
        : moveTo(item.parentElement.closest("[role=treeitem]"), state)),
      Enter: () => onPick(item.dataset.item),
      " ": () => onPick(item.dataset.item),
    };
    if (!actions[event.key]) return;
    event.preventDefault();
    actions[event.key]();
  };
}
