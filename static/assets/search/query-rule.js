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
// parts, listed there by a synthetic filter HIDDEN (output/search_delta.py) and left out of every
// other filter value. Every search here asks for results outside HIDDEN; HIDDEN never reaches the
// UI, and the count of results before filtering leaves the hidden copies out too.
import * as pagefind from "../../pagefind/pagefind.js";
export * from "../../pagefind/pagefind.js";

var PART = "part";
var HIDDEN = "superseded";

function withoutPart(counts) {
  var out = {};
  for (var name in counts || {}) if (name !== PART && name !== HIDDEN) out[name] = counts[name];
  return out;
}

function clean(found) {
  if (!found) return found;
  var hidden = ((found.totalFilters || {})[HIDDEN] || {})["1"] || 0;  // hidden copies the words matched
  return Object.assign({}, found, { filters: withoutPart(found.filters), totalFilters: withoutPart(found.totalFilters),
                                    unfilteredResultCount: Math.max(0, (found.unfilteredResultCount || 0) - hidden) });
}

// Pagefind's search, never with a hidden copy among the results. (A part without HIDDEN ignores it.)
function find(term, opts) {
  opts = opts || {};
  var filters = Object.assign({}, opts.filters);
  var not = {};
  not[HIDDEN] = "1";
  filters.not = filters.not ? { all: [filters.not, not] } : not;
  return pagefind.search(term, Object.assign({}, opts, { filters: filters }));
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
  return withoutPart(await pagefind.filters());
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
