/* TeX rules shared by build-time typesetting (render/typeset.mjs) and the browser
   (`math: client`, output/assets.py writes this file into the MathJax configuration).
   A plain script: it defines one function and nothing else, so Node can run it with
   vm and a page can include it as is.

   Summaries are untrusted. Whatever TeX they hold (\href, \url, \class, \style,
   \cssId, \data, \unicode, \mmlToken, \newcommand/\def wrappers around them) may
   not make a link to anything but http(s) or a relative URL, nor give an element a
   class, style, id or data attribute. The rule is enforced on MathJax's internal
   MathML tree after every formula is parsed, whatever macro produced it, so no
   spelling of the TeX can get around it; ui/safe is loaded as well. */
function siteBuilderTeX(macros, build) {
  'use strict';
  // Browsers drop C0 controls, space and DEL around and inside a URL's scheme ("\x01javascript:").
  var HIDDEN = /[\u0000-\u0020\u007f-\u009f\u00ad\u200b-\u200f\u2028\u2029\u2060\ufeff]/g;
  var SCHEME = /^([a-zA-Z][a-zA-Z0-9+.\-]*):/;

  function safeURL(url) {
    var probe = String(url).replace(HIDDEN, '');
    var scheme = probe.match(SCHEME);
    if (scheme && !/^https?$/i.test(scheme[1])) return null;
    return probe === '' ? null : probe;
  }

  // Attributes MathJax itself never puts on MathML made from TeX, or only with safe values.
  function sanitizeNode(node) {
    var attrs = node.attributes.getAllAttributes();
    var names = Object.keys(attrs);  // own attributes only: inherited defaults are not the formula's
    for (var i = 0; i < names.length; i++) {
      var name = names[i], value = attrs[name];
      if (name === 'href') {
        var url = safeURL(value);
        if (url === null) delete attrs[name]; else attrs[name] = url;
      } else if (name === 'class' || name === 'style' || name === 'fontfamily' || name === 'src'
                 || name === 'altimg' || name === 'xlink:href' || name === 'background') {
        delete attrs[name];
      } else if (name === 'id' && !/^mjx-eqn[-:]/.test(String(value))) {
        delete attrs[name];  // equation labels (\label with \tag) keep MathJax's own ids
      } else if (name === 'data-latex' && build) {
        delete attrs[name];  // only the browser's menu uses it ("copy as LaTeX"); it doubles the HTML
      } else if (/^on/i.test(name)) {
        delete attrs[name];
      } else if (value === '' && /^(column|row)(spacing|align|lines|width)$/.test(name)) {
        delete attrs[name];  // a one-column align gets columnspacing="": invalid MathML, and no spacing to give
      }
    }
  }

  function sanitize(data) {
    data.math.root.walkTree(sanitizeNode);
  }

  var own = {};
  for (var key in macros || {}) own[key] = macros[key];
  // \class, \style, \cssId and \data keep their content and lose their attribute.
  // No equation is numbered (tags: 'none'), so \nonumber and \notag have nothing to do; MathJax
  // would otherwise make an empty numbered row of a display that holds one (with height NaN).
  own.nonumber = '';
  own.notag = '';
  own['class'] = ['{#2}', 2];
  own.style = ['{#2}', 2];
  own.cssId = ['{#2}', 2];
  own.data = ['{#2}', 2];

  return {
    tex: {
      // No \require: the extensions a summary may use load on demand (autoload) or not at all.
      packages: build ? {'[-]': ['require', 'noundefined']} : {'[-]': ['require']},
      tags: 'none',  // neither source numbers equations by itself; \tag{} still shows
      macros: own,
    },
    safe: {
      allow: {URLs: 'safe', classes: 'none', cssIDs: 'safe', styles: 'none'},
      safeProtocols: {http: true, https: true, file: false, javascript: false, data: false},
    },
    // Make MathJax's document use these rules; call once the document exists.
    install: function (document) {
      var safe = document.safe;
      if (safe) {
        for (var k in this.safe.allow) safe.allow[k] = this.safe.allow[k];
        for (var p in this.safe.safeProtocols) safe.options.safeProtocols[p] = this.safe.safeProtocols[p];
        safe.filterMethods.filterURL = function (_safe, url) { return safeURL(url); };
      }
      for (var i = 0; i < document.inputJax.length; i++) {
        var jax = document.inputJax[i];
        if (/TeX/.test(jax.name)) jax.postFilters.add(sanitize, -5);
      }
    },
    safeURL: safeURL,
  };
}
