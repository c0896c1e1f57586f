// Search page: starts Pagefind's UI over every part of the index and keeps the query and the
// selected filters in the address (?q=term&year=2018&topic=...), so that a filtered search can
// be shared, and survives a reload and Back.
(function () {
  var host = document.getElementById("search");
  if (!host || !window.PagefindUI) return;
  var bundle = host.getAttribute("data-bundle");
  var base = host.getAttribute("data-base");
  var filterNames = [];  // the filters the address may carry, from parts.json
  var headerBox = document.querySelector(".site-search input[name=q]");

  // Filter values are HTML-escaped in the index (the UI renders them as HTML; output/search.py):
  // the address holds them as the text they show.
  function escapeHtml(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }
  function unescapeHtml(text) {
    return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  }

  function setAddress(change) {
    var url = new URL(window.location.href);
    change(url.searchParams);
    if (url.href !== window.location.href) window.history.replaceState(null, "", url);
  }

  function rememberTerm(term) {
    setAddress(function (params) {
      if (term) params.set("q", term); else params.delete("q");
    });
    if (headerBox) headerBox.value = term;
    return term;
  }

  function rememberFilters() {
    var boxes = host.querySelectorAll(".pagefind-ui__filter-checkbox");
    setAddress(function (params) {
      filterNames.forEach(function (name) { params.delete(name); });
      boxes.forEach(function (box) {
        if (box.checked && filterNames.indexOf(box.name) >= 0) params.append(box.name, unescapeHtml(box.value));
      });
    });
  }

  // Pagefind builds the excerpt from the indexed text with < and > escaped and the matched words in
  // <mark>, but leaves & as it is: a summary that says "&lt;" would show "<". The excerpt is made
  // again from the text, every word escaped, the same words marked.
  function escapedExcerpt(data) {
    if (!data.excerpt || !data.content || data.content.indexOf("\u200b") >= 0) return data;
    var words = data.content.split(/[\r\n\s]+/g);
    var shown = (data.plain_excerpt || "").split(" ");
    var pagefindEscaped = function (w) { return w.replace(/</g, "&lt;").replace(/>/g, "&gt;"); };
    for (var start = 0; start + shown.length <= words.length; start++) {
      var same = true;
      for (var k = 0; k < shown.length && same; k++) same = pagefindEscaped(words[start + k]) === shown[k];
      if (!same) continue;
      var marked = new Set(data.locations || []);
      var out = [];
      for (var i = start; i < start + shown.length; i++) {
        out.push(marked.has(i) ? "<mark>" + escapeHtml(words[i]) + "</mark>" : escapeHtml(words[i]));
      }
      data.excerpt = out.join(" ");
      return data;
    }
    return data;  // not found: Pagefind's own excerpt (< and > escaped, so no markup either)
  }

  function start(manifest) {
    var parts = (manifest.parts || []).map(function (p) { return p.path; });
    var delta = manifest.delta && manifest.delta.path;
    filterNames = manifest.filters || [];
    var params = new URLSearchParams(window.location.search);
    var selected = {};
    filterNames.forEach(function (name) {
      var values = params.getAll(name);
      if (values.length) selected[name] = values.map(escapeHtml);
    });
    // Open: the filters the address selects, and the year too on a wide screen (on a phone every
    // other filter starts closed: they are a row of buttons above the results).
    var open = Object.keys(selected);
    if (!window.matchMedia("(max-width: 40rem)").matches && open.indexOf("year") < 0) open.push("year");
    var ui = new window.PagefindUI({
      element: host,
      // Our module in front of Pagefind's (it drops results for words the index does not hold).
      bundlePath: host.getAttribute("data-engine"),
      baseUrl: base,
      // Part 0 is the bundle at `bundle`; the others are merged in. Each carries a filter naming
      // it, which that module reads and keeps from the UI.
      mergeFilter: { part: "0" },
      // After an edit, the edited pages' bundle too (their old copies are hidden in the parts).
      mergeIndex: parts.slice(1).map(function (path, i) {
        return { bundlePath: bundle + path, baseUrl: base, mergeFilter: { part: String(i + 1) } };
      }).concat(delta ? [{ bundlePath: bundle + delta, baseUrl: base, mergeFilter: { part: "delta" } }] : []),
      showImages: false,
      showSubResults: false,
      excerptLength: 40,
      openFilters: open,
      processTerm: rememberTerm,
      processResult: escapedExcerpt,
      translations: { placeholder: "Search summaries, titles, authors" }
    });
    host.addEventListener("change", function (event) {
      if (event.target.classList && event.target.classList.contains("pagefind-ui__filter-checkbox")) rememberFilters();
    });
    if (Object.keys(selected).length) ui.triggerFilters(selected);
    var term = params.get("q");
    if (term) {
      ui.triggerSearch(term);
      if (headerBox) headerBox.value = term;
    }
  }

  // The parts of the index (output/search.py; the others are merged into one list of results)
  // and the names of its filters.
  fetch(bundle + "parts.json", { cache: "no-cache" })  // (it changes with every edit: see query-rule.js)
    .then(function (r) { return r.ok ? r.json() : {}; })
    .catch(function () { return {}; })
    .then(start);
})();
