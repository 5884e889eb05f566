// On every page (deferred): the display settings and 长者模式 in the header (js/prefs.js
// applied the saved ones before the page was painted), Escape closing the header's menus,
// and the search reader loaded on first use of the header's search field.
(function () {
  "use strict";
  var root = document.documentElement;

  function save(key, value) {
    try {
      if (value === null) window.localStorage.removeItem(key);
      else window.localStorage.setItem(key, value);
    } catch (e) {
      // Not saved (storage refused): the setting holds for this page only.
    }
  }

  // Each control shows its state with aria-pressed (read aloud, and drawn by the CSS).
  function show() {
    var text = root.getAttribute("data-pf-text") || "1";
    var colour = root.getAttribute("data-pf-colour") || "default";
    var elder = root.hasAttribute("data-pf-elder");
    var buttons = document.querySelectorAll(".pf-prefs button, .pf-elder-toggle");
    for (var i = 0; i < buttons.length; i++) {
      var b = buttons[i];
      var on = b.hasAttribute("data-pf-text")
        ? b.getAttribute("data-pf-text") === text
        : b.hasAttribute("data-pf-colour")
          ? b.getAttribute("data-pf-colour") === colour
          : elder;
      b.setAttribute("aria-pressed", on ? "true" : "false");
    }
  }

  function set(name, value) {
    var attr = "data-pf-" + name;
    if (value === null) root.removeAttribute(attr);
    else root.setAttribute(attr, value);
    save("pf-" + name, value);
    show();
  }

  document.addEventListener("click", function (event) {
    var b = event.target.closest && event.target.closest("button");
    if (!b) return;
    if (b.classList.contains("pf-elder-toggle")) {
      set("elder", root.hasAttribute("data-pf-elder") ? null : "1");
    } else if (b.hasAttribute("data-pf-text") && b.closest(".pf-prefs")) {
      var t = b.getAttribute("data-pf-text");
      set("text", t === "1" ? null : t);
    } else if (b.hasAttribute("data-pf-colour") && b.closest(".pf-prefs")) {
      set("colour", b.getAttribute("data-pf-colour"));
    }
  });

  // Escape closes an open header menu and gives the focus back to its button.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var open = document.querySelector(".pf-header details[open]");
    if (!open) return;
    open.removeAttribute("open");
    open.querySelector("summary").focus();
  });

  show();

  var form = document.querySelector("form[data-search-js]");
  if (!form || document.getElementById("pf-search")) return;
  function load() {
    form.removeEventListener("focusin", load);
    form.removeEventListener("pointerdown", load);
    var script = document.createElement("script");
    script.src = form.getAttribute("data-search-js");
    document.head.appendChild(script);
  }
  form.addEventListener("focusin", load);
  form.addEventListener("pointerdown", load);
})();
