// Typeset TeX with MathJax in Node, for render/typeset.py.
//
//   node typeset.mjs NPM_ROOT OPTIONS_JSON
//
// OPTIONS_JSON: {"macros": {...}, "fontURL": "...", "stylesheet": false}.
// Reads one JSON request per line on stdin: [[tex, display, prelude], ...], where
// prelude lists earlier formulas of the same summary that define macros. Writes a
// first line {"ready": version, "messages": [...]} once MathJax is loaded, then one
// JSON line per request: [[html or null, error or null, [messages], width in em], ...].
// Every formula starts from the same state (user macros, colours, labels cleared),
// so its result depends on its own request only and can be cached.
// With "stylesheet": true it instead prints the complete CHTML stylesheet (every
// character of every font range) as one JSON string and exits; render/mathcss.py
// cuts it down to what a site uses.
import {createRequire} from 'module';
import {readFileSync} from 'fs';
import {fileURLToPath} from 'url';
import {createInterface} from 'readline';
import vm from 'vm';

const [npmRoot, optionsJSON] = process.argv.slice(2);
const options = JSON.parse(optionsJSON);
const require = createRequire(npmRoot + '/');

// MathJax reports problems with console.*: collect them per formula instead of leaking them to stderr.
let messages = [];
for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
  console[level] = (...args) => { messages.push(args.map(String).join(' ')); };
}

vm.runInThisContext(readFileSync(fileURLToPath(new URL('./tex_safety.js', import.meta.url)), 'utf8'));
const rules = siteBuilderTeX(options.macros, true);  // eslint-disable-line no-undef

const MathJax = await require('mathjax').init({
  loader: {
    load: ['input/tex', 'output/chtml', 'adaptors/liteDOM', 'ui/safe', 'a11y/assistive-mml'],
    paths: {fonts: npmRoot + '/node_modules/@mathjax'},  // offline: the font package beside mathjax
  },
  tex: {...rules.tex, formatError: (jax, err) => { throw err; }},
  chtml: {fontURL: options.fontURL, adaptiveCSS: !options.stylesheet},
  startup: {typeset: false},
});
const startupMessages = messages;
messages = [];

if (options.stylesheet) {
  await printStylesheet();
} else {
  serve();
}

// The complete stylesheet: every font range loaded, every character's rule (adaptiveCSS is off).
async function printStylesheet() {
  await MathJax.startup.output.font.loadDynamicFiles();
  const css = MathJax.startup.adaptor.textContent(MathJax.chtmlStylesheet());
  process.stdout.write(JSON.stringify(css) + '\n', () => process.exit(0));
}

function serve() {
  const document = MathJax.startup.document;
  rules.install(document);
  const adaptor = MathJax.startup.adaptor;
  const tex = document.inputJax.find((jax) => /TeX/.test(jax.name));
  const {MapHandler} = MathJax._.input.tex.MapHandler;

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

  async function one([source, display, prelude]) {
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
  }

  // First line: ready, with what MathJax said while starting. Then requests, one after another.
  process.stdout.write(JSON.stringify({ready: MathJax.version, messages: startupMessages}) + '\n');
  let queue = Promise.resolve();
  createInterface({input: process.stdin}).on('line', (line) => {
    queue = queue.then(async () => {
      const results = [];
      for (const item of JSON.parse(line)) results.push(await one(item));
      process.stdout.write(JSON.stringify(results) + '\n');
    });
  });
}
