// The reader's display settings (text size, colours, 长者模式), applied to <html> before
// the page is first painted: this script is small, loaded in <head> without `defer`, and
// reads only localStorage. js/site.js makes the controls that change them. No setting is
// sent anywhere.
(function () {
  "use strict";
  var root = document.documentElement;
  root.className += " pf-js";
  var store;
  try {
    store = window.localStorage;
    if (!store) return;
    var text = store.getItem("pf-text");
    var colour = store.getItem("pf-colour");
    if (/^[2-4]$/.test(text)) root.setAttribute("data-pf-text", text);
    if (/^(default|white|black|blue|yellow)$/.test(colour)) root.setAttribute("data-pf-colour", colour);
    if (store.getItem("pf-elder") === "1") root.setAttribute("data-pf-elder", "1");
  } catch (e) {
    // Storage refused (private mode, cookies blocked): the page keeps its defaults.
  }
})();
