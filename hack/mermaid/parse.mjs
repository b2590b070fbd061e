// Parses Mermaid text read from standard input with the official parser
// (mermaid.parse), as the orgchart tests do with the output of -o mermaid.
//
//   node hack/mermaid/parse.mjs [--json] < diagram.mmd
//
// Prints the diagram type, or with --json, for a flowchart, what the parser
// read: nodes, edges, subgraphs and classes, labels as a reader sees them
// (entities decoded, <br> as a newline). Exits 1 with the parser's error when
// the text does not parse, 2 when the packages are not installed.
//
// The packages (package.json, package-lock.json beside this file) are
// installed into bin/mermaid by hack/test-tools.sh (`make test-tools`); they
// are looked up from there, then from NODE_PATH.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const require = createRequire(new URL('../../bin/mermaid/package.json', import.meta.url));

function load(name) {
  try {
    return import(pathToFileURL(require.resolve(name)).href);
  } catch (err) {
    console.error(`parse.mjs: ${name} is not installed (run make test-tools): ${err.message}`);
    process.exit(2);
  }
}

// Mermaid sanitizes labels with DOMPurify, which needs a DOM: give it jsdom's
// window before Mermaid is loaded.
const { JSDOM } = await load('jsdom');
const { window } = new JSDOM('');
globalThis.window = window;
globalThis.document = window.document;
const { default: mermaid } = await load('mermaid');

const text = readFileSync(0, 'utf8');
const json = process.argv.includes('--json');

let diagramType;
try {
  ({ diagramType } = await mermaid.parse(text));
} catch (err) {
  console.error(`mermaid: ${err.message}`);
  process.exit(1);
}
if (!json) {
  console.log(diagramType);
  process.exit(0);
}

// What a reader sees of a label: Mermaid keeps #name; and #123; entities in
// its own encoding until it draws them, then the HTML is read.
const scratch = window.document.createElement('textarea');
function shown(label) {
  scratch.innerHTML = String(label ?? '')
    .replace(/ﬂ°°(\d+)¶ß/g, '&#$1;')
    .replace(/ﬂ°(\w+)¶ß/g, '&$1;')
    .replace(/<br\s*\/?>/gi, '\n');
  return scratch.value;
}

const out = { diagramType };
if (diagramType.startsWith('flowchart')) {
  const { db } = await mermaid.mermaidAPI.getDiagramFromText(text);
  out.nodes = [...db.getVertices().values()].map((v) => ({
    id: v.id,
    shape: v.type ?? '',
    text: shown(v.text),
    classes: v.classes,
    styles: v.styles,
  }));
  out.edges = db.getEdges().map((e) => ({
    from: e.start,
    to: e.end,
    type: e.type,
    stroke: e.stroke,
    text: shown(e.text),
  }));
  out.subgraphs = db.getSubGraphs().map((s) => ({ id: s.id, title: shown(s.title), nodes: s.nodes }));
  out.classDefs = [...db.getClasses().keys()];
}
console.log(JSON.stringify(out, null, 2));
