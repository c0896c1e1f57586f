// The search page's Pagefind, written for this project: PagefindUI imports `${bundlePath}pagefind.js`
// (search.js points bundlePath at this folder, where the build writes that name as a one-line
// re-export of this file: output/search.py ENGINE_SHIM). It is Pagefind's own module, imported from
// the bundle the build generates, with one change to `search`: a query word that matches no indexed
// word gives no results.
//
// Pagefind 1.5 matches a query word with every indexed word it begins; when there is none it
// falls back to the longest indexed word that begins the query word, so "xqzvw" is searched as
// "x" (a variable in some formula) and lists every page with an x. That fallback is also what
// finds a word with a slip near its end ("normalizaton" -> "normal") or one still being typed
// ("normaliz"), so it is kept when the word it falls back to is a real part of the query word:
// at least half of it and at least four letters.
//
// A large index comes in parts (output/search.py), merged by Pagefind; each part carries a
// synthetic filter PART (search.js) naming it, and a part falls back on its own. So the rule is
// applied per part, and a part's results are kept only where the whole index would have given
// them: not when another part holds the word, and not when another part fell back to a longer
// word. PART never reaches the UI. (See docs/search.md.)
//
// After an edit, the edited pages are in a small delta part and their old copies stay in the other
// parts; parts.json names each old copy (its page id, part and filter values: output/search_delta.py).
// Every search made here leaves those copies out of its results and out of every count it returns:
// each filter value's count, per search and in the totals, the per-part counts the rule above reads,
// and the count of results before filtering.
import * as pagefind from "../../pagefind/pagefind.js";
export * from "../../pagefind/pagefind.js";

var PART = "part";
// A promise of {pages: old copy's id -> its filter values (its part's among them), urls: old copy's
// id -> URL, edited: the delta's page ids -> URL}.
var hiddenPages = null;

function hidden() {
  if (!hiddenPages) {
    hiddenPages = fetch(new URL("../../pagefind/parts.json", import.meta.url), { cache: "no-cache" })
      .then(function (r) { return r.ok ? r.json() : {}; })
      .catch(function () { return {}; })
      .then(function (manifest) {
        var delta = (manifest || {}).delta || {};
        var found = { pages: new Map(), urls: new Map(), edited: new Map() };
        (delta.hidden || []).forEach(function (h) {
          var values = Object.assign({}, h[2]);
          values[PART] = [h[1]];
          found.pages.set(h[0], values);
          found.urls.set(h[0], h[3]);
        });
        (delta.ids || []).forEach(function (d) { found.edited.set(d[0], d[1]); });
        return found;
      });
  }
  return hiddenPages;
}

function withoutPart(counts) {
  var out = {};
  for (var name in counts || {}) if (name !== PART) out[name] = counts[name];
  return out;
}

function clean(found) {
  if (!found) return found;
  return Object.assign({}, found, { filters: withoutPart(found.filters), totalFilters: withoutPart(found.totalFilters) });
}

// Counts less the filter values of `pages` (a copy; a value never goes below 0).
function less(counts, pages) {
  if (!pages.length) return counts;
  var out = {};
  for (var name in counts || {}) out[name] = Object.assign({}, counts[name]);
  pages.forEach(function (values) {
    for (var name in values) {
      (values[name] || []).forEach(function (value) {
        if (out[name] && typeof out[name][value] === "number") out[name][value] = Math.max(0, out[name][value] - 1);
      });
    }
  });
  return out;
}

// The delta is scored by Pagefind against its own few pages, not against a part of thousands, so an
// edited page's score is not comparable with the others' (measured: it came first for every query
// of its words). When its old copy matched too, the edited page takes the old copy's score (scored
// in its part, like every other result).
function rescored(results, dropped, hidden) {
  var old = new Map();
  dropped.forEach(function (r) { old.set(hidden.urls.get(r.id), r.score); });
  if (!old.size || !hidden.edited.size) return results;
  var changed = false;
  var out = results.map(function (r) {
    var was = old.get(hidden.edited.get(r.id));
    if (was === undefined || was === r.score) return r;
    changed = true;
    return Object.assign({}, r, { score: was });
  });
  return changed ? out.sort(function (a, b) { return b.score - a.score; }) : results;
}

// Pagefind's search without the old copies of edited pages.
async function find(term, opts) {
  opts = opts || {};
  var found = await pagefind.search(term, opts);
  var h = await hidden();
  var gone = h.pages;
  if (!found || !gone.size) return found;
  var dropped = found.results.filter(function (r) { return gone.has(r.id); });
  // The counts before filtering count every page the words matched: those the filters left out too.
  var matched = dropped;
  if (typeof term === "string" && opts.filters && Object.keys(opts.filters).length) {
    var all = await pagefind.search(term, Object.assign({}, opts, { filters: {} }));
    matched = all ? all.results.filter(function (r) { return gone.has(r.id); }) : [];
  } else if (typeof term !== "string") {
    matched = [];  // a search by filters alone: no word matched any page
  }
  if (!dropped.length && !matched.length) return found;
  var valuesOf = function (r) { return gone.get(r.id); };
  return Object.assign({}, found, {
    results: rescored(found.results.filter(function (r) { return !gone.has(r.id); }), dropped, h),
    filters: less(found.filters, dropped.map(valuesOf)),
    totalFilters: less(found.totalFilters, matched.map(valuesOf)),
    unfilteredResultCount: Math.max(0, (found.unfilteredResultCount || 0) - matched.length)
  });
}

function none(found) {
  var counts = withoutPart(found.filters);
  for (var name in counts) {
    counts[name] = Object.assign({}, counts[name]);
    for (var value in counts[name]) counts[name][value] = 0;
  }
  return Object.assign(clean(found), { results: [], unfilteredResultCount: 0, filters: counts });
}

function inParts(opts, parts) {
  var filters = Object.assign({}, opts.filters);
  filters[PART] = { any: parts };
  return Object.assign({}, opts, { filters: filters });
}

function partsWithResults(found) {
  var counts = (found && found.filters && found.filters[PART]) || {};
  return Object.keys(counts).filter(function (p) { return counts[p] > 0; }).sort();
}

// Pagefind's own normalising of a query (coupled_search.ts): punctuation out, lower case, no accents.
function normalise(text) {
  return text.replace(/[\p{Pd}\p{Pe}\p{Pf}\p{Pi}\p{Po}\p{Ps}]/gu, "").toLocaleLowerCase()
    .normalize("NFD").replace(/\p{M}/gu, "").replace(/\s+/g, " ").trim();
}

function sharedStart(a, b) {
  var n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

// The words a result matched: its text at the result's locations.
async function matchedWords(result) {
  var data = await result.data();
  var words = (data.content || "").split(/[\r\n\s]+/g);
  return (data.locations || []).map(function (i) { return normalise(words[i] || ""); }).filter(Boolean);
}

// The parts whose results the whole index would have given; null for all of them.
async function partsToKeep(term, opts, found) {
  if (/^\s*".+"\s*$/.test(term)) return null;  // a quoted phrase is matched exactly: no fallback
  if (/^(zh|ja|th)\b/i.test(document.documentElement.lang || "")) return null;  // words are segmented otherwise
  var parts = partsWithResults(found);
  if (!parts.length) return null;  // no part filter to judge by
  var keep = new Set(parts);
  var words = {};  // part -> the words its best result matched
  async function wordsOf(part) {
    if (!words[part]) {
      var best = parts.length === 1 ? found : await find(term, inParts(opts, [part]));
      words[part] = best && best.results.length ? await matchedWords(best.results[0]) : [];
    }
    return words[part];
  }
  for (var word of normalise(term).split(" ").filter(Boolean)) {
    // A quoted search takes only the word itself (or its stem): the parts that hold it.
    var exact = new Set(partsWithResults(await find('"' + word + '"', {})));
    var how = {};  // part -> "whole" (holds it, or longer words that begin with it) or the letters shared
    for (var part of keep) {
      if (exact.has(part)) { how[part] = "whole"; continue; }
      var matched = await wordsOf(part);
      how[part] = matched.some(function (m) { return m.startsWith(word); }) ? "whole"
        : Math.max(0, ...matched.map(function (m) { return sharedStart(m, word); }));
    }
    var values = Object.values(how);
    var whole = values.indexOf("whole") >= 0;
    var best = Math.max(0, ...values.filter(function (h) { return typeof h === "number"; }));
    var enough = Math.min(word.length, Math.max(4, Math.ceil(word.length / 2)));
    for (var p in how) {
      if (typeof how[p] === "number" && (whole || how[p] < best || how[p] < enough)) keep.delete(p);
    }
  }
  return keep.size === parts.length ? null : Array.from(keep);
}

export async function filters() {
  var gone = (await hidden()).pages;
  return withoutPart(less(await pagefind.filters(), Array.from(gone.values())));
}

export async function search(term, opts) {
  opts = opts || {};
  var found = await find(term, opts);
  if (!found || typeof term !== "string" || !term.trim() || !found.results.length) return clean(found);
  await pagefind.filters();  // searches report counts per filter (per part) once the filters are loaded
  if (!partsWithResults(found).length) found = await find(term, opts);
  var keep = await partsToKeep(term, opts, found);
  if (keep === null) return clean(found);
  if (!keep.length) return none(found);
  return clean(await find(term, inParts(opts, keep)));
}
