// Renders every math block of Markdown files with KaTeX, as a notebook viewer would render them.
//
//   node tools/katex/check.mjs FILE.md ...   (or - for standard input)
//
// Display blocks are $$ ... $$, inline math is $ ... $ within a line. Exits 1 naming the file,
// the block's line and KaTeX's message for every block that does not render; prints how many
// blocks rendered.
import { readFileSync } from "node:fs";
import katex from "katex";

function blocks(text) {
  const found = [];
  const lines = text.split("\n");
  let display = null;
  lines.forEach((line, i) => {
    if (display) {
      if (line.trim() === "$$") {
        found.push({ line: display.line, tex: display.body.join("\n"), displayMode: true });
        display = null;
      } else {
        display.body.push(line);
      }
      return;
    }
    if (line.trim() === "$$") {
      display = { line: i + 1, body: [] };
      return;
    }
    for (const m of line.matchAll(/\$\$(.+?)\$\$|\$([^$]+)\$/g)) {
      found.push({ line: i + 1, tex: m[1] ?? m[2], displayMode: m[1] !== undefined });
    }
  });
  if (display) found.push({ line: display.line, tex: null, error: "a $$ block is never closed" });
  return found;
}

let failed = 0;
let rendered = 0;
for (const file of process.argv.slice(2)) {
  const text = readFileSync(file === "-" ? 0 : file, "utf8");
  for (const block of blocks(text)) {
    try {
      if (block.tex === null) throw new Error(block.error);
      katex.renderToString(block.tex, { displayMode: block.displayMode, throwOnError: true, strict: "error" });
      rendered += 1;
    } catch (e) {
      failed += 1;
      console.error(`${file}:${block.line}: ${e.message}`);
    }
  }
}
console.log(`math blocks: ${rendered} rendered, ${failed} failed`);
process.exit(failed ? 1 : 0);
