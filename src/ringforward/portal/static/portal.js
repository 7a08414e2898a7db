// Keeps keyboard focus somewhere sensible after htmx swaps in a new page body, and keeps
// the open rule tab in view.
(function () {
  "use strict";

  var lastFocus = null;

  // On a narrow screen the rule tabs scroll sideways: bring the open one into view.
  function showCurrentTab() {
    var current = document.querySelector(".tabs [aria-current='page']");
    if (current && current.scrollIntoView) {
      current.scrollIntoView({ block: "nearest", inline: "nearest" });
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", showCurrentTab);
  } else {
    showCurrentTab();
  }

  // The ring timeline's positions come as data-left / data-width (percent): the
  // Content-Security-Policy refuses style attributes in markup, not styles a script sets.
  function placeTimeline(root) {
    var elements = Array.prototype.slice.call(root.querySelectorAll("[data-left]"));
    if (root.matches && root.matches("[data-left]")) {
      elements.push(root);
    }
    elements.forEach(function (element) {
      element.style.left = element.getAttribute("data-left") + "%";
      if (element.hasAttribute("data-width")) {
        element.style.width = element.getAttribute("data-width") + "%";
      }
    });
  }
  placeTimeline(document);
  document.addEventListener("htmx:load", function (event) {
    placeTimeline(event.target);
  });

  function usable(element) {
    return element && !element.disabled && document.contains(element);
  }

  document.addEventListener("htmx:beforeSwap", function () {
    var active = document.activeElement;
    lastFocus = active && active.id
      ? { id: active.id, fallback: active.getAttribute("data-focus-fallback") }
      : null;
  });

  document.addEventListener("htmx:afterSettle", function () {
    var active = document.activeElement;
    if (active && active !== document.body && document.contains(active)) {
      return;
    }
    // The control that was used is gone or disabled now (e.g. "Move down" on what became
    // the last step): use its named fallback, the refused field, or the notice.
    var target = null;
    if (lastFocus) {
      target = [lastFocus.id, lastFocus.fallback]
        .map(function (id) { return id && document.getElementById(id); })
        .filter(usable)[0] || null;
    }
    target = target ||
      document.querySelector("[aria-invalid='true']") ||
      document.querySelector("#notice:not(:empty)") ||
      document.getElementById("main");
    if (!target) {
      return;
    }
    if (!target.hasAttribute("tabindex") && !/^(INPUT|SELECT|TEXTAREA|BUTTON|A)$/.test(target.tagName)) {
      target.setAttribute("tabindex", "-1");
    }
    target.focus({ preventScroll: true });
  });
})();
