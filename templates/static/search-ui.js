/* shiplog search, step 2 (loaded by search.js on the first open): a search box over /search.json.
   Every word typed must start a word of a note's or project's title, tags, headings or summary;
   hits rank by where they matched (title > tags > headings > summary), then newest first. */
(function () {
  "use strict";
  var WEIGHTS = { title: 10, tags: 6, headings: 4, summary: 2 };
  var LIMIT = 20;
  var button, docs = null, loading = null, panel, input, status, list;

  function norm(s) {
    return String(s).toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }
  function browse() {
    var a = el("a", "", "Browse by tag instead");
    a.href = button.dataset.fallback;
    return a;
  }

  function load() {
    loading = loading || fetch(button.dataset.index, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) {
        var f = {};
        data.fields.forEach(function (name, i) { f[name] = i; });
        docs = data.docs.map(function (d, order) {
          var tags = d[f.tags].map(function (t) { return data.tags[t]; });
          return {
            url: d[f.url], kind: d[f.kind], title: d[f.title], date: d[f.date], summary: d[f.summary],
            order: order,
            text: { title: norm(d[f.title]), tags: norm(tags.join(" ")),
                    headings: norm(d[f.headings].join(" ")), summary: norm(d[f.summary]) }
          };
        });
        return true;
      }, function () {
        loading = null;               // the next search tries again
        status.textContent = "";
        status.append("Search is unavailable right now. ", browse());
        return false;
      });
    return loading;
  }

  function score(doc, words) {
    var total = 0;
    for (var i = 0; i < words.length; i++) {
      var w = words[i], best = 0;
      for (var field in WEIGHTS) {
        var text = doc.text[field], at = text.indexOf(w);
        while (at > 0 && /[\p{L}\p{N}]/u.test(text.charAt(at - 1))) at = text.indexOf(w, at + 1);
        if (at >= 0) best = Math.max(best, WEIGHTS[field]);
      }
      if (!best) return 0;
      total += best;
    }
    return total;
  }

  function show() {
    var q = input.value.trim();
    list.textContent = "";
    if (!q) { status.textContent = ""; return; }
    if (!docs) {
      status.textContent = "Loading the index…";
      load().then(function (ok) { if (ok) show(); });
      return;
    }
    var words = norm(q).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
    var hits = docs.map(function (d) { return { d: d, s: score(d, words) }; })
      .filter(function (h) { return h.s > 0; })
      .sort(function (a, b) { return b.s - a.s || a.d.order - b.d.order; });
    if (!hits.length) {
      status.textContent = "No note or project matches “" + q + "”. ";
      status.append(browse());
      return;
    }
    status.textContent = hits.length === 1 ? "1 result" : hits.length + " results";
    if (hits.length > LIMIT) status.textContent += ", showing the first " + LIMIT;
    hits.slice(0, LIMIT).forEach(function (h) {
      var li = el("li", "search-hit"), a = el("a", "", h.d.title);
      a.href = h.d.url;
      li.append(el("span", "search-kind", h.d.kind + (h.d.date ? " · " + h.d.date.slice(0, 7) : "")), a);
      if (h.d.summary) li.append(el("p", "", h.d.summary));
      list.append(li);
    });
  }

  function build() {
    panel = el("div", "search-panel");
    panel.id = "search-panel";
    panel.hidden = true;
    panel.setAttribute("role", "search");          // one landmark holds the box and its results
    panel.setAttribute("aria-label", "Notes and projects");
    var wrap = el("div", "wrap"), form = el("form", "search-form");
    var label = el("label", "", "Search notes and projects");
    label.htmlFor = "search-q";
    input = el("input");
    input.id = "search-q";
    input.type = "search";
    input.autocomplete = "off";
    input.spellcheck = false;
    input.setAttribute("enterkeyhint", "search");
    status = el("p", "search-status");
    status.setAttribute("role", "status");
    list = el("ol", "search-results");
    list.setAttribute("aria-label", "Search results");
    form.append(label, input);
    wrap.append(form, status, list);
    panel.append(wrap);
    form.addEventListener("submit", function (e) {   // Enter: to the first result
      e.preventDefault();
      var first = list.querySelector("a");
      if (first) first.focus();
    });
    input.addEventListener("input", show);
    panel.addEventListener("keydown", function (e) {
      if (e.key === "Escape") { setOpen(false); button.focus(); }
    });
    document.querySelector(".site-header").after(panel);
  }

  function setOpen(open) {
    panel.hidden = !open;
    button.setAttribute("aria-expanded", String(open));
    if (open) { load(); input.focus(); }
  }

  window.shiplogSearch = {
    /* open(button, toggle): show the box (or, with toggle, hide it when it is showing). */
    open: function (b, toggle) {
      button = b;
      if (!panel) build();
      setOpen(toggle ? panel.hidden : true);
    }
  };
})();
