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
// Orders match the server's (output/pages.py SORTS); ties keep the newest-first order,
// which is the order the page came in.
(function () {
  var compare = {
    newest: function (a, b) { return a.i - b.i; },  // the server's order: paper date, then summary date
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

// Table of contents: open in the right column on wide screens, collapsed above the text on
// narrow ones; the entry of the section being read is marked (aria-current) as the page scrolls.
(function () {
  var box = document.querySelector("[data-toc]");
  if (!box) return;
  var wide = window.matchMedia("(min-width: 64rem)");
  function fit() { box.open = wide.matches; }
  fit();
  if (wide.addEventListener) wide.addEventListener("change", fit);
  var links = Array.prototype.slice.call(box.querySelectorAll('a[href^="#"]'));
  var targets = [];
  links.forEach(function (link) {
    var target = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (target) targets.push({ link: link, target: target });
    link.addEventListener("click", function () { if (!wide.matches) box.open = false; });
  });
  if (!targets.length || !("IntersectionObserver" in window)) return;
  var current = null;
  function mark() {
    // The last section whose heading has passed the top quarter of the window.
    var line = window.innerHeight * 0.25, found = targets[0];
    for (var i = 0; i < targets.length; i++) {
      if (targets[i].target.getBoundingClientRect().top <= line) found = targets[i]; else break;
    }
    if (found === current) return;
    if (current) current.link.removeAttribute("aria-current");
    current = found;
    current.link.setAttribute("aria-current", "true");
    if (wide.matches && box.scrollHeight > box.clientHeight) {  // keep the mark in view in a long contents list
      var top = current.link.offsetTop, bottom = top + current.link.offsetHeight;
      if (top < box.scrollTop || bottom > box.scrollTop + box.clientHeight) box.scrollTop = top - box.clientHeight / 3;
    }
  }
  // The observer sees headings cross the top quarter (also when MathJax or images move them);
  // a jump (End key, a link) can carry a heading past that band between two frames unseen,
  // so a scroll also re-marks, at most once a frame.
  var observer = new IntersectionObserver(mark, { rootMargin: "0px 0px -75% 0px" });
  targets.forEach(function (t) { observer.observe(t.target); });
  var queued = false;
  window.addEventListener("scroll", function () {
    if (queued) return;
    queued = true;
    window.requestAnimationFrame(function () { queued = false; mark(); });
  }, { passive: true });
  mark();
})();

// Printing: closed disclosures (the abstract) print open; they close again afterwards.
(function () {
  var opened = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details.abstract:not([open])").forEach(function (d) { d.open = true; opened.push(d); });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });
})();
