// Theme toggle: flips between light and dark and remembers the choice.
(function () {
  var root = document.documentElement;
  function current() {
    var set = root.getAttribute("data-theme");
    if (set) return set;
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }
  function label(button) {
    var next = current() === "dark" ? "light" : "dark";
    button.setAttribute("aria-label", "Switch to " + next + " theme");
    button.setAttribute("title", "Switch to " + next + " theme");
  }
  document.querySelectorAll("[data-theme-toggle]").forEach(function (button) {
    label(button);
    button.addEventListener("click", function () {
      var next = current() === "dark" ? "light" : "dark";
      root.setAttribute("data-theme", next);
      try { localStorage.setItem("theme", next); } catch (e) { /* not remembered */ }
      label(button);
    });
  });
})();

// Copy buttons: copy the text of the element named by data-copy (BibTeX entries).
// The button stays hidden without JavaScript; the text itself is always selectable.
(function () {
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(area);
      if (ok) { resolve(); } else { reject(new Error("copy refused")); }
    });
  }
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) return;
    var status = button.parentNode.querySelector(".copy-status");
    button.hidden = false;
    button.addEventListener("click", function () {
      copyText(source.textContent).then(function () {
        if (status) status.textContent = "Copied to the clipboard.";
      }, function () {
        var range = document.createRange();
        range.selectNodeContents(source);
        var selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        if (status) status.textContent = "Selected: press Ctrl+C (or Cmd+C) to copy.";
      });
    });
  });
})();

// Listings that fit on one page re-sort here instead of having a page per order.
// Orders match the server's (output/pages.py SORTS); ties keep the newest-first order.
(function () {
  var compare = {
    newest: function (a, b) { return (a.date === "") - (b.date === "") || (a.date < b.date ? 1 : a.date > b.date ? -1 : 0); },
    year: function (a, b) { return (a.year === "") - (b.year === "") || (Number(b.year) - Number(a.year)) || (a.title < b.title ? -1 : a.title > b.title ? 1 : 0); },
    title: function (a, b) { return a.title < b.title ? -1 : a.title > b.title ? 1 : 0; }
  };
  document.querySelectorAll("[data-client-sort]").forEach(function (nav) {
    var list = nav.parentNode.querySelector("ul.entries");
    if (!list) return;
    var rows = Array.prototype.map.call(list.children, function (li, i) {
      return { li: li, i: i, date: li.getAttribute("data-date") || "", year: li.getAttribute("data-year") || "", title: li.getAttribute("data-title") || "" };
    });
    nav.hidden = false;
    nav.querySelectorAll("button[data-sort]").forEach(function (button) {
      button.addEventListener("click", function () {
        var by = compare[button.getAttribute("data-sort")];
        rows.slice().sort(function (a, b) { return by(a, b) || a.i - b.i; }).forEach(function (row) { list.appendChild(row.li); });
        nav.querySelectorAll("button[data-sort]").forEach(function (other) { other.setAttribute("aria-pressed", other === button ? "true" : "false"); });
      });
    });
  });
})();

// A figure that cannot be loaded (a wiki that is gone, a moved image): instead of a broken
// icon, its caption (or its alt text) and a link to the summary's source page, where the
// figure may still be seen. An image can fail before this script runs (it is deferred):
// one already complete with no width is checked with decode(), which only fails for a broken
// image (an SVG without intrinsic size has no width but decodes). Without JavaScript,
// style.css covers a broken image with its alt text.
(function () {
  function sourceOf(img) {
    var article = img.closest("[data-source-page]");
    var page = article && article.getAttribute("data-source-page");
    if (page && /^https?:\/\//i.test(page)) return { href: page, label: "figure on the source page" };
    var link = img.parentNode && img.parentNode.tagName === "A" ? img.parentNode.getAttribute("href") : "";
    if (link && /^https?:\/\//i.test(link)) return { href: link, label: "the figure's source" };
    return null;
  }
  function described(img) {
    var text = img.getAttribute("title") || img.getAttribute("alt") || "";
    return /^figure(:|$)/i.test(text) ? "" : text;  // the generic alt text says nothing
  }
  function fail(img) {
    if (img.hasAttribute("data-failed")) return;
    img.setAttribute("data-failed", "");
    var figure = img.closest("figure");
    var holder = img.parentNode && img.parentNode.tagName === "A" ? img.parentNode : img;
    var box = document.createElement(figure ? "p" : "span");
    box.className = "figure-missing";
    var shown = figure && figure.querySelector("figcaption");
    var text = shown ? "" : described(img);
    box.appendChild(document.createTextNode(text ? text + " " : (figure ? "The figure could not be loaded. " : "")));
    var source = sourceOf(img);
    if (source) {
      var a = document.createElement("a");
      a.href = source.href;
      a.rel = "noopener";
      a.textContent = figure || !text ? source.label : "(" + source.label + ")";
      box.appendChild(a);
    }
    holder.hidden = true;
    holder.parentNode.insertBefore(box, holder.nextSibling);
    if (figure) figure.classList.add("figure-failed");
  }
  document.querySelectorAll(".prose img").forEach(function (img) {
    img.addEventListener("error", function () { fail(img); });
    if (img.complete && !img.naturalWidth && img.getAttribute("src")) {
      if (img.decode) img.decode().then(null, function () { fail(img); });
      else fail(img);
    }
  });
})();
