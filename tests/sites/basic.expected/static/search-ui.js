/* shiplog search, step 2 (loaded by search.js on the first open): a search box over the Pagefind
   index in /pagefind/, which the build makes from every word of the notes, pages, project pages
   and source files. Pagefind's script fetches only the index chunks and page fragments a query
   needs. Keys: / opens, arrows move between results, Enter goes, Escape closes. */
(function () {
  "use strict";
  var LIMIT = 12;
  var button, pagefind = null, loading = null, panel, input, tagSelect, status, list;

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
  function unavailable() {
    status.textContent = "";
    status.append("Search is unavailable right now. ", browse());
  }

  function load() {
    loading = loading || import(button.dataset.index)
      .then(function (module) {
        return module.options({ excerptLength: 22 }).then(function () { return module.init(); })
          .then(function () { return module.filters(); })
          .then(function (filters) {
            pagefind = module;
            Object.keys(filters.tag || {}).sort().forEach(function (tag) {
              var option = el("option", "", tag);
              option.value = tag;
              tagSelect.append(option);
            });
            tagSelect.disabled = false;
            return true;
          });
      })
      .catch(function () {
        loading = null;               // the next search tries again
        unavailable();
        return false;
      });
    return loading;
  }

  function excerpt(html) {
    var p = el("p", "search-excerpt");
    p.innerHTML = html;               // Pagefind's excerpt: the page's text, escaped, words in <mark>
    return p;
  }

  function hit(data) {
    var li = el("li", "search-hit"), a = el("a", "", data.meta.title || data.url);
    var kind = (data.filters.kind || [])[0] || "page";
    a.href = data.url;
    li.append(el("span", "search-kind", kind), a);
    var section = (data.sub_results || []).filter(function (s) { return s.url.indexOf("#") > 0; })[0];
    if (section && section.title !== data.meta.title) {
      var s = el("a", "search-section", "§ " + section.title);
      s.href = section.url;
      li.append(s, excerpt(section.excerpt));
    } else {
      li.append(excerpt(data.excerpt));
    }
    return li;
  }

  var shown = 0;
  function show() {
    var q = input.value.trim(), tag = tagSelect.value, asked = ++shown;
    if (!q && !tag) { list.textContent = ""; status.textContent = ""; return; }
    if (!pagefind) {
      status.textContent = "Loading the index…";
      load().then(function (ok) { if (ok && asked === shown) show(); });
      return;
    }
    status.textContent = "Searching…";
    var options = tag ? { filters: { tag: tag } } : {};
    pagefind.debouncedSearch(q || null, options, 120).then(function (search) {
      if (!search || asked !== shown) return;           // a newer query replaced this one
      var found = search.results.length;
      return Promise.all(search.results.slice(0, LIMIT).map(function (r) { return r.data(); }))
        .then(function (pages) {
          if (asked !== shown) return;
          list.textContent = "";
          if (!found) {
            status.textContent = "Nothing matches “" + (q || tag) + "”" + (q && tag ? " in " + tag : "") + ". ";
            status.append(browse());
            return;
          }
          status.textContent = found === 1 ? "1 result" : found + " results";
          if (found > LIMIT) status.textContent += ", showing the best " + LIMIT;
          pages.forEach(function (data) { list.append(hit(data)); });
        });
    }, unavailable);
  }

  function links() { return Array.prototype.slice.call(list.querySelectorAll("a")); }

  function build() {
    panel = el("div", "search-panel");
    panel.id = "search-panel";
    panel.hidden = true;
    panel.setAttribute("role", "search");          // one landmark holds the box and its results
    panel.setAttribute("aria-label", "Everything on the site");
    var wrap = el("div", "wrap"), form = el("form", "search-form");
    var label = el("label", "", "Search every word of the notes, projects and code");
    label.htmlFor = "search-q";
    input = el("input");
    input.id = "search-q";
    input.type = "search";
    input.autocomplete = "off";
    input.spellcheck = false;
    input.setAttribute("enterkeyhint", "go");
    var tagLabel = el("label", "search-tag-label", "Tag");
    tagLabel.htmlFor = "search-tag";
    tagSelect = el("select");
    tagSelect.id = "search-tag";
    tagSelect.disabled = true;
    var any = el("option", "", "any tag");
    any.value = "";
    tagSelect.append(any);
    var row = el("div", "search-row"), tagGroup = el("span", "search-tag");
    tagGroup.append(tagLabel, tagSelect);
    row.append(input, tagGroup);
    status = el("p", "search-status");
    status.setAttribute("role", "status");
    list = el("ol", "search-results");
    list.setAttribute("aria-label", "Search results");
    form.append(label, row);
    wrap.append(form, status, list);
    panel.append(wrap);
    form.addEventListener("submit", function (e) {   // Enter: go to the first result
      e.preventDefault();
      var first = list.querySelector("a");
      if (first) location.href = first.href;
    });
    input.addEventListener("input", show);
    tagSelect.addEventListener("change", show);
    panel.addEventListener("keydown", function (e) {
      if (e.key === "Escape") { setOpen(false); button.focus(); return; }
      if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
      if (e.target === tagSelect) return;            // arrows choose a tag there
      var all = links(), at = all.indexOf(document.activeElement);
      if (!all.length) return;
      e.preventDefault();
      if (e.key === "ArrowDown") all[Math.min(at + 1, all.length - 1)].focus();
      else if (at <= 0) input.focus();
      else all[at - 1].focus();
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
