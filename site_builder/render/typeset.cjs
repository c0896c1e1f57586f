// Typeset TeX with MathJax in Node, for render/typeset.py.
//
//   node typeset.cjs NPM_ROOT OPTIONS_JSON
//   node --snapshot-blob BLOB --build-snapshot typeset.cjs NPM_ROOT OPTIONS_JSON   (makes BLOB)
//   node --snapshot-blob BLOB                                                      (serves from BLOB)
//
// OPTIONS_JSON: {"macros": {...}, "fontURL": "...", "stylesheet": false}.
// Reads one JSON request per line on stdin: [[tex, display, prelude], ...], where
// prelude lists earlier formulas of the same summary that define macros. Writes a
// first line {"ready": version, "messages": [...], "speedups": [...]} once MathJax is loaded, then one
// JSON line per request: [[html or null, error or null, [messages], width in em], ...].
// Every formula starts from the same state (user macros, colours, labels cleared),
// so its result depends on its own request only and can be cached.
// With "stylesheet": true it instead prints the complete CHTML stylesheet (every
// character of every font range) as one JSON string and exits; render/mathcss.py
// cuts it down to what a site uses.
//
// A plain CommonJS script, so that it can also be a V8 startup snapshot: with
// --build-snapshot, Node runs it up to the point where MathJax is loaded and its
// document set up, and saves the heap; a process started from that file skips loading
// (0.09 s less per process) and goes straight to serve(). Loading the same code from the
// same files, it serves the same results either way (benchmarks/README.md, "Build-time math").
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const v8 = require('v8');

const building = Boolean(v8.startupSnapshot && v8.startupSnapshot.isBuildingSnapshot());

// V8 optimises a function once it has run this much bytecode (default 132 KB): a process lives for
// a few hundred to a few thousand formulas, and at the default, compiling the many warm MathJax
// functions with TurboFan cost more CPU than it saved (benchmarks/README.md, "Build-time math").
// Only how fast the same code runs changes, never what it computes. Not while building a
// snapshot: a changed flag would make the file unloadable (V8 checks its flags match).
// A process with fewer than about a thousand formulas to typeset (render/typeset.py says so in
// SITE_BUILDER_MATH_SHORT) gains nothing from TurboFan at all: what its compilations cost on their
// threads is more than the optimised code saves before the process ends (Node CPU on 450-850 seed
// formulas 9-16 % less with --no-opt, on 2,300 long ones 7 % more; benchmarks/README.md, round 3).
function tuneV8() {
  v8.setFlagsFromString('--interrupt-budget=500000');
  if (process.env.SITE_BUILDER_MATH_SHORT === '1') v8.setFlagsFromString('--no-opt');
}
if (!building) tuneV8();

const [npmRoot, optionsJSON] = process.argv.slice(2);
const options = JSON.parse(optionsJSON);

// Where MathJax's own code wastes time, a change made to its source as it is loaded (never to the
// files): each computes exactly what the original computes, for less CPU (benchmarks/README.md,
// "Build-time math", round 3). A change applies only to the text it was written for, found whole
// (an exact match: another MathJax version is loaded unchanged, only slower).
//
// Attributes of a MathML node: MathJax gives every node a chain of four objects (its attributes ->
// inherited values -> its kind's defaults -> the global defaults) and copies its kind's defaults
// into a fresh object for each node, after that object is already a prototype (which V8 makes
// slow to write). The defaults of a kind are never written once copied (only read: get, hasOwn,
// keys), so one copy per kind is shared by all its nodes: the same chain, the same values.
// 12 % of the Node CPU of typesetting (the copying, and fewer slow-mode prototype objects).
const SPEEDUPS = [{
  name: 'kind defaults',
  file: 'node-main.js',
  from: 'class Ft{constructor(t,e){this.global=e,this.defaults=Object.create(e),this.inherited=Object.create(this.defaults),'
    + 'this.attributes=Object.create(this.inherited),Object.assign(this.defaults,t)}',
  to: 'class Ft{constructor(t,e){this.global=e,this.defaults=siteBuilderKindDefaults(t,e),'
    + 'this.inherited=Object.create(this.defaults),this.attributes=Object.create(this.inherited)}',
}];
const kindDefaults = new Map();  // a kind's defaults object (MathJax's, static) -> {globals, the shared copy}
global.siteBuilderKindDefaults = function (defaults, globals) {
  let entry = kindDefaults.get(defaults);
  if (!entry || entry.globals !== globals) {
    entry = {globals, copy: Object.assign(Object.create(globals), defaults)};
    kindDefaults.set(defaults, entry);
  }
  return entry.copy;
};
// SITE_BUILDER_MATH_PLAIN=1 loads MathJax as it is: the tests compare its results with ours.
const plain = process.env.SITE_BUILDER_MATH_PLAIN === '1';
const applied = [];  // reported in the first line, so a test sees when a MathJax update leaves one unused
function speedUp(file, source) {
  for (const {name, file: base, from, to} of SPEEDUPS) {
    if (!plain && path.basename(file) === base && source.indexOf(from) >= 0
        && source.indexOf(from) === source.lastIndexOf(from)) {
      source = source.replace(from, () => to);
      applied.push(name);
    }
  }
  return source;
}

// CommonJS `require` of MathJax's files: Node's own cannot load files while a snapshot is built.
// (MathJax's loader calls it for its components, font ranges and the TeX extensions it autoloads.)
const loaded = new Map();
function requireFrom(dir) {
  return function load(name) {
    let file = /^[./]/.test(name) ? path.resolve(dir, name) : path.join(npmRoot, 'node_modules', name);
    if (!fs.existsSync(file)) {
      if (fs.existsSync(file + '.js')) file += '.js';
      else return require(name);  // one of Node's own modules (MathJax asks for 'path')
    }
    if (fs.statSync(file).isDirectory()) {
      const pkg = JSON.parse(fs.readFileSync(path.join(file, 'package.json'), 'utf8'));
      const main = pkg.exports && pkg.exports['.'] && pkg.exports['.'].require;
      file = path.join(file, main || pkg.main || 'index.js');
    }
    if (loaded.has(file)) return loaded.get(file).exports;
    const module = {exports: {}};
    loaded.set(file, module);
    const source = speedUp(file, fs.readFileSync(file, 'utf8'));
    const wrapper = vm.runInThisContext(
      '(function (exports, require, module, __filename, __dirname) {' + source + '\n})', {filename: file});
    wrapper.call(module.exports, module.exports, requireFrom(path.dirname(file)), module, file, path.dirname(file));
    return module.exports;
  };
}
const load = requireFrom(npmRoot);

// MathJax reports problems with console.*: collect them per formula instead of leaking them to stderr.
let messages = [];
for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
  console[level] = (...args) => { messages.push(args.map(String).join(' ')); };
}

vm.runInThisContext(fs.readFileSync(path.join(__dirname, 'tex_safety.js'), 'utf8'));
const rules = siteBuilderTeX(options.macros, true);  // eslint-disable-line no-undef

let MathJax = null;
let startupMessages = [];
let typesetOne = null;

// MathJax's Node entry keeps the loader's `require` it finds when it is loaded (for font ranges and
// autoloaded extensions), defaulting to import(), which code compiled here cannot call: give it ours first.
global.MathJax = {loader: {require: load}};  // (a configuration, as on a web page)
load('mathjax').init({
  loader: {
    load: ['input/tex', 'output/chtml', 'adaptors/liteDOM', 'ui/safe', 'a11y/assistive-mml'],
    paths: {fonts: npmRoot + '/node_modules/@mathjax'},  // offline: the font package beside mathjax
    require: load,  // CommonJS, not import(): Node skips scanning each component's exports (0.1 s a process)
  },
  tex: {...rules.tex, formatError: (jax, err) => { throw err; }},
  chtml: {fontURL: options.fontURL, adaptiveCSS: !options.stylesheet},
  startup: {typeset: false},
}).then((mathjax) => {
  MathJax = mathjax;
  startupMessages = messages;
  messages = [];
  if (options.stylesheet) {
    printStylesheet();
  } else {
    typesetOne = setUp();
    if (building) {
      v8.startupSnapshot.setDeserializeMainFunction(() => { tuneV8(); serve(); });
    } else {
      serve();
    }
  }
});

// The complete stylesheet: every font range loaded, every character's rule (adaptiveCSS is off).
async function printStylesheet() {
  await MathJax.startup.output.font.loadDynamicFiles();
  const css = MathJax.startup.adaptor.textContent(MathJax.chtmlStylesheet());
  process.stdout.write(JSON.stringify(css) + '\n', () => process.exit(0));
}

// The document with our rules, and the function that typesets one request item.
function setUp() {
  const document = MathJax.startup.document;
  rules.install(document);
  const adaptor = MathJax.startup.adaptor;
  const tex = document.inputJax.find((jax) => /TeX/.test(jax.name));
  const {MapHandler} = MathJax._.input.tex.MapHandler;

  // MathJax 4 records the TeX source of every node as it parses (data-latex attributes, for its
  // menu's "copy as LaTeX"); our sanitize filter deletes them all before anything is output, and
  // nothing else reads them (its filters skip them), so the parser does not make them: 3 % of the CPU.
  const TexParser = MathJax._.input.tex.TexParser.default;
  if (!plain && typeof TexParser.prototype.updateResult === 'function') {
    TexParser.prototype.updateResult = function () {};
    applied.push('no data-latex');
  }

  // The width of each formula (in em), read from the layout MathJax makes anyway: pages let a
  // wide inline formula scroll by itself on a phone (render/formulas.py marks it).
  const output = MathJax.startup.output;
  const processMath = output.processMath.bind(output);
  let width = 0;
  output.processMath = (wrapper, parent) => {
    processMath(wrapper, parent);
    width = wrapper.getOuterBBox().w;
  };

  // What one formula may leave behind for the next: \newcommand/\def, \definecolor, labels.
  function reset() {
    for (const name of ['new-Command', 'new-Environment', 'new-Delimiter']) {
      const map = MapHandler.getMap(name);
      if (map && map.map instanceof Map) map.map.clear();
    }
    const color = tex.parseOptions.packageData.get('color');
    if (color && color.model && color.model.userColors instanceof Map) color.model.userColors.clear();
    MathJax.texReset();
  }

  async function typeset(source, display) {
    const node = await MathJax.tex2chtmlPromise(source, {display});
    return adaptor.outerHTML(node);
  }

  return async function one([source, display, prelude]) {
    reset();
    try {
      for (const earlier of prelude || []) {
        try { await typeset(earlier, true); } catch (e) { /* its own entry reports it */ }
      }
      messages = [];
      width = 0;
      const html = await typeset(source, display);
      return [html, null, messages, Math.round(width * 1000) / 1000];
    } catch (err) {
      return [null, String((err && err.message) || err), messages, 0];
    }
  };
}

// First line: ready, with what MathJax said while starting. Then requests, one after another.
function serve() {
  process.stdout.write(JSON.stringify({ready: MathJax.version, messages: startupMessages, speedups: applied}) + '\n');
  let queue = Promise.resolve();
  require('readline').createInterface({input: process.stdin}).on('line', (line) => {
    queue = queue.then(async () => {
      const results = [];
      for (const item of JSON.parse(line)) results.push(await typesetOne(item));
      process.stdout.write(JSON.stringify(results) + '\n');
    });
  });
}
