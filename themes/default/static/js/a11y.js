/* 适老化 reading modes: large text and high contrast, switched by the header buttons and kept
   across pages in localStorage. Loaded in <head> so the saved mode applies before the page
   paints; the buttons stay hidden when JavaScript is off (the page works without them). */
(function () {
  "use strict";
  var modes = ["large-text", "high-contrast"];
  var root = document.documentElement;
  function saved(mode) {
    try { return window.localStorage.getItem("pufa-" + mode) === "on"; } catch (e) { return false; }
  }
  function store(mode, on) {
    try { window.localStorage.setItem("pufa-" + mode, on ? "on" : "off"); } catch (e) { /* private mode */ }
  }
  modes.forEach(function (m) { if (saved(m)) { root.classList.add(m); } });
  document.addEventListener("DOMContentLoaded", function () {
    var group = document.querySelector(".a11y-tools");
    if (!group) { return; }
    group.hidden = false;
    Array.prototype.forEach.call(group.querySelectorAll("button[data-mode]"), function (b) {
      var mode = b.getAttribute("data-mode");
      b.setAttribute("aria-pressed", root.classList.contains(mode) ? "true" : "false");
      b.addEventListener("click", function () {
        var on = !root.classList.contains(mode);
        root.classList.toggle(mode, on);
        b.setAttribute("aria-pressed", on ? "true" : "false");
        store(mode, on);
      });
    });
  });
})();
