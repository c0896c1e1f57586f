// Typeset-check TeX formulas with MathJax in Node: reads [[tex, display], ...] as
// JSON on stdin, writes a JSON list with null (fine) or the error message for each.
import {createRequire} from 'module';

const require = createRequire(process.argv[2] + '/');
const MathJax = await require('mathjax').init({
  loader: {load: ['input/tex', '[tex]/ams']},
  tex: {
    packages: {'[+]': ['ams'], '[-]': ['noundefined']},
    macros: {cite: ['\\text{[#1]}', 1], bm: ['\\boldsymbol{#1}', 1]},
    formatError: (jax, err) => { throw err; },
  },
});
let data = '';
process.stdin.on('data', (d) => { data += d; });
process.stdin.on('end', () => {
  const results = JSON.parse(data).map(([tex, display]) => {
    try {
      MathJax.tex2mml(tex, {display});
      return null;
    } catch (e) {
      return String((e && e.message) || e);
    }
  });
  process.stdout.write(JSON.stringify(results));
});
