/* shiplog search, step 1: turn the header's "search" link (to /tags/) into a button. The search box
   (search-ui.js) and Pagefind's script (/pagefind/pagefind.js) load on the first open, never
   before; without JavaScript the link stays a link. */
(function () {
  "use strict";
  var link = document.querySelector("a[data-search-index]");
  var here = document.currentScript && document.currentScript.src;
  if (!link || !here || !window.fetch) return;
  var button = document.createElement("button"), ui = null;
  button.type = "button";
  button.className = "search-button";
  button.textContent = link.textContent;
  button.setAttribute("aria-expanded", "false");
  button.setAttribute("aria-controls", "search-panel");
  button.dataset.index = link.getAttribute("data-search-index");
  button.dataset.fallback = link.getAttribute("href");
  link.replaceWith(button);

  function open(toggle) {
    ui = ui || new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = here.replace(/search\.js([?#].*)?$/, "search-ui.js");
      s.onload = function () { resolve(window.shiplogSearch); };
      s.onerror = reject;
      document.head.append(s);
    });
    ui.then(function (search) { search.open(button, toggle); },
            function () { location.href = button.dataset.fallback; });
  }
  button.addEventListener("click", function () { open(true); });
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (e.key === "/" && !e.ctrlKey && !e.metaKey && !e.altKey &&
        !(t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) {
      e.preventDefault();
      open(false);
    }
  });
})();
