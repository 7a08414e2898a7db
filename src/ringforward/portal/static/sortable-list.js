// Drag-to-reorder for lists marked data-sortable: items (data-sortable-item) are dragged
// by their handle (data-drag-handle) with mouse, pen or touch; on drop the list's move
// form (data-move-form) is submitted with the item's data-index as "group" and its new
// 1-based position as "to". Keyboard users have the move buttons of each item instead.
(function () {
  "use strict";

  function itemsOf(list) {
    return Array.prototype.filter.call(list.children, function (child) {
      return child.hasAttribute("data-sortable-item");
    });
  }

  function placeAt(list, dragged, clientY) {
    var others = itemsOf(list).filter(function (item) { return item !== dragged; });
    for (var i = 0; i < others.length; i++) {
      var box = others[i].getBoundingClientRect();
      if (clientY < box.top + box.height / 2) {
        if (dragged.nextElementSibling !== others[i]) {
          list.insertBefore(dragged, others[i]);
        }
        return;
      }
    }
    var last = others[others.length - 1];
    if (last && last.nextElementSibling !== dragged) {
      list.insertBefore(dragged, last.nextElementSibling);
    }
  }

  function submitMove(list, item, to) {
    var form = document.getElementById(list.getAttribute("data-move-form"));
    if (!form) {
      return;
    }
    form.elements.namedItem("group").value = item.getAttribute("data-index");
    form.elements.namedItem("to").value = String(to);
    if (typeof form.requestSubmit === "function") {
      form.requestSubmit();
    } else {
      form.submit();
    }
  }

  document.addEventListener("pointerdown", function (event) {
    if (event.button !== 0) {
      return;
    }
    var handle = event.target.closest && event.target.closest("[data-drag-handle]");
    var item = handle && handle.closest("[data-sortable-item]");
    var list = item && item.closest("[data-sortable]");
    if (!list) {
      return;
    }
    event.preventDefault();
    var from = itemsOf(list).indexOf(item);
    var next = item.nextElementSibling;
    var pointer = event.pointerId;
    item.classList.add("dragging");
    list.classList.add("sorting");

    function onMove(moveEvent) {
      if (moveEvent.pointerId === pointer) {
        placeAt(list, item, moveEvent.clientY);
      }
    }

    function finish(dropped) {
      document.removeEventListener("pointermove", onMove);
      document.removeEventListener("pointerup", onUp);
      document.removeEventListener("pointercancel", onCancel);
      item.classList.remove("dragging");
      list.classList.remove("sorting");
      var to = itemsOf(list).indexOf(item);
      if (!dropped) {
        list.insertBefore(item, next);
      } else if (to !== from) {
        submitMove(list, item, to + 1);
      }
    }

    function onUp(upEvent) {
      if (upEvent.pointerId === pointer) { finish(true); }
    }
    function onCancel(cancelEvent) {
      if (cancelEvent.pointerId === pointer) { finish(false); }
    }

    // Listened for on the document, not the handle: moving the item in the DOM while
    // dragging would drop a pointer capture taken on the handle.
    document.addEventListener("pointermove", onMove);
    document.addEventListener("pointerup", onUp);
    document.addEventListener("pointercancel", onCancel);
  });
})();
