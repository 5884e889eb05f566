// On every page of a site with search: the header's search field loads the search reader
// (js/search.js) when a reader first uses it (focus or touch), so that by the time the
// query is sent the reader is there and the results can appear in the page at once.
// Before it is loaded, or without JavaScript, the form simply opens the search page.
(function () {
  "use strict";
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
