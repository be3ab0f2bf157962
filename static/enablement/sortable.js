/*
 * Drag-and-drop ordering with the browser's own drag and drop (no library).
 *
 * A list is marked `data-sortable`; its items are the children marked `data-sortable-item`; the element a person
 * grabs has `draggable="true"` (the item itself, or a handle inside it, such as a card's header). Dropping moves the
 * item in the page and, when the order changed, fires a non-bubbling `reordered` event on the list, which htmx posts
 * (`hx-trigger="reordered"`, the items' hidden inputs in their new order). Lists may be nested (lessons inside
 * modules): an item moves only within its own list.
 *
 * The up and down buttons beside each item do the same from the keyboard, and without any script.
 */
(function () {
  "use strict";
  var dragged = null;
  var before = "";

  function order(list) {
    var ids = [];
    for (var i = 0; i < list.children.length; i++) {
      if (list.children[i].hasAttribute("data-sortable-item")) ids.push(list.children[i].id);
    }
    return ids.join(",");
  }

  // The item of `list` that contains `node` (a child of the list), or null when `node` is outside the list.
  function itemIn(list, node) {
    while (node && node.parentElement !== list) node = node.parentElement;
    return node && node.hasAttribute && node.hasAttribute("data-sortable-item") ? node : null;
  }

  document.addEventListener("dragstart", function (event) {
    var handle = event.target.closest ? event.target.closest("[draggable='true']") : null;
    var item = handle ? handle.closest("[data-sortable-item]") : null;
    if (!item || !item.parentElement || !item.parentElement.hasAttribute("data-sortable")) return;
    event.stopPropagation();
    dragged = item;
    before = order(item.parentElement);
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", item.id);
    item.classList.add("opacity-50");
  });

  document.addEventListener("dragover", function (event) {
    if (!dragged) return;
    var list = dragged.parentElement;
    var over = itemIn(list, event.target);
    if (!over) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    if (over === dragged) return;
    var box = over.getBoundingClientRect();
    var after = event.clientY > box.top + box.height / 2;
    list.insertBefore(dragged, after ? over.nextSibling : over);
  });

  document.addEventListener("drop", function (event) {
    if (dragged) event.preventDefault();
  });

  document.addEventListener("dragend", function () {
    if (!dragged) return;
    var list = dragged.parentElement;
    dragged.classList.remove("opacity-50");
    dragged = null;
    if (order(list) !== before) list.dispatchEvent(new CustomEvent("reordered", { bubbles: false }));
  });
})();
