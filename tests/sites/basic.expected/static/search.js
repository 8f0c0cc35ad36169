/* shiplog search: turns the header's "search" link (to /tags/) into a search box over /search.json.
   Without JavaScript the link stays a link. The index is fetched on the first open, never before. */
(function () {
  "use strict";
  var link = document.querySelector("a[data-search-index]");
  if (!link || !window.fetch || !("hidden" in link)) return;

  var WEIGHTS = { title: 10, tags: 6, headings: 4, summary: 2 };
  var LIMIT = 20;
  var docs = null, loading = null, panel, input, status, list;

  function norm(s) {
    return String(s).toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }
  function terms(q) {
    return norm(q).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  function load() {
    if (!loading) {
      loading = fetch(link.getAttribute("data-search-index"), { credentials: "same-origin" })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (data) {
          var f = {};
          data.fields.forEach(function (name, i) { f[name] = i; });
          docs = data.docs.map(function (d, order) {
            var tags = d[f.tags].map(function (t) { return data.tags[t]; });
            return {
              url: d[f.url], kind: d[f.kind], title: d[f.title], date: d[f.date], summary: d[f.summary],
              tags: tags, order: order,
              text: { title: norm(d[f.title]), tags: norm(tags.join(" ")),
                      headings: norm(d[f.headings].join(" ")), summary: norm(d[f.summary]) }
            };
          });
        })
        .then(function () { return true; }, function () {
          loading = null;             // the next open tries again
          status.textContent = "";
          status.append("Search is unavailable right now. ", browse());
          return false;
        });
    }
    return loading;
  }

  function browse() {
    var a = el("a", "", "Browse by tag instead");
    a.href = link.getAttribute("href");
    return a;
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
      if (!best) return 0;          // every word must match somewhere, as a word or its start
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
    var words = terms(q);
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
    var wrap = el("div", "wrap");
    var form = el("form", "search-form");
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
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var first = list.querySelector("a");
      if (first) first.focus();
    });
    input.addEventListener("input", show);
    panel.addEventListener("keydown", function (e) {
      if (e.key === "Escape") { toggle(false); button.focus(); }
    });
    document.querySelector(".site-header").after(panel);
  }

  var button = el("button", "search-button", link.textContent);
  button.type = "button";
  button.setAttribute("aria-expanded", "false");
  button.setAttribute("aria-controls", "search-panel");
  link.replaceWith(button);

  function toggle(open) {
    if (!panel) build();
    panel.hidden = !open;
    button.setAttribute("aria-expanded", String(open));
    if (open) { load(); input.focus(); }
  }
  button.addEventListener("click", function () { toggle(panel ? panel.hidden : true); });
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (e.key === "/" && !e.ctrlKey && !e.metaKey && !e.altKey &&
        !(t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) {
      e.preventDefault();
      toggle(true);
    }
  });
})();
