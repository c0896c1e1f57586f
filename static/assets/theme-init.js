// Runs before the page paints so a remembered dark/light choice never flashes.
(function () {
  try {
    var saved = localStorage.getItem("theme");
    if (saved === "dark" || saved === "light") {
      document.documentElement.setAttribute("data-theme", saved);
    }
  } catch (e) { /* storage may be disabled; the system preference still applies */ }
})();
