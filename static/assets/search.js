// Search page: starts Pagefind's UI and keeps the query in the address (?q=term),
// so the header's plain search form lands on results and Back returns to them.
(function () {
  var host = document.getElementById("search");
  if (!host || !window.PagefindUI) return;
  var headerBox = document.querySelector(".site-search input[name=q]");
  function remember(term) {
    var url = new URL(window.location.href);
    if (term) url.searchParams.set("q", term); else url.searchParams.delete("q");
    window.history.replaceState(null, "", url);
    if (headerBox) headerBox.value = term;
    return term;
  }
  var ui = new window.PagefindUI({
    element: host,
    bundlePath: host.getAttribute("data-bundle"),
    baseUrl: host.getAttribute("data-base"),
    showImages: false,
    showSubResults: false,
    excerptLength: 40,
    openFilters: ["year"],
    processTerm: remember,
    translations: { placeholder: "Search summaries, titles, authors" }
  });
  var term = new URLSearchParams(window.location.search).get("q");
  if (term) {
    ui.triggerSearch(term);
    if (headerBox) headerBox.value = term;
  }
})();
