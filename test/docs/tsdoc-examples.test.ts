/**
 * Every `@example` in the TSDoc of services/shared is executed: the block is run as a module that sees
 * the exports of its own file and, for names its file does not export, those of the other services/shared
 * modules; `console.assert` becomes a failing assertion. An example marked `// requires: <what>` (a
 * running server) is skipped with that reason.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const shared = join(root, "services/shared");

function* sources(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sources(path);
    else if (name.endsWith(".ts") && !name.endsWith(".test.ts") && !name.endsWith(".contract.ts")) yield path;
  }
}

/** The @example blocks of a file: the comment lines after `@example` up to the next tag or the end. */
export function examplesOf(text: string): string[] {
  const out: string[] = [];
  for (const comment of text.match(/\/\*\*[\s\S]*?\*\//g) ?? []) {
    const lines = comment.split("\n").map((l) => l.replace(/^\s*\/?\*+\/?\s?/, "").replace(/\*\/\s*$/, ""));
    let current: string[] | undefined;
    for (const line of lines) {
      if (/^@example\b/.test(line.trim())) {
        if (current) out.push(current.join("\n"));
        current = [];
      } else if (/^@\w+/.test(line.trim())) {
        if (current) out.push(current.join("\n"));
        current = undefined;
      } else if (current) current.push(line);
    }
    if (current) out.push(current.join("\n"));
  }
  return out.map((e) => e.replace(/^```\w*\n?|```\s*$/gm, "").trim()).filter((e) => e.length > 0);
}

const files = [...sources(shared)];
/** Which module exports a name (the first found, in path order), for names an example borrows. */
const exporter = new Map<string, string>();
for (const f of files) for (const k of Object.keys(await import(f))) if (!exporter.has(k)) exporter.set(k, f);

const dir = mkdtempSync(join(tmpdir(), "rtml-examples-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
let n = 0;
for (const file of files) {
  const examples = examplesOf(readFileSync(file, "utf8"));
  examples.forEach((code, i) => {
    const name = `${relative(root, file)} example ${i + 1}`;
    // An example that needs a server says so: `// requires: <what>`; it is skipped with that reason.
    const requires = /\/\/ requires: (.+)/.exec(code)?.[1];
    test(name, { skip: requires ? `needs ${requires}` : false }, async () => {
      const own = Object.keys(await import(file));
      const declared = new Set([
        ...[...code.matchAll(/\b(?:const|let|var|function|class)\s+([A-Za-z_$][\w$]*)/g)].map((m) => m[1]),
        ...[...code.matchAll(/\b(?:const|let|var)\s*[{[]([^}\]]*)[}\]]/g)].flatMap((m) =>
          m[1].split(",").map((p) => p.split(":").pop()!.split("=")[0].trim()),
        ),
      ]);
      const mentioned = (k: string) => !declared.has(k) && new RegExp(`(?<![.\\w$])${k}\\b`).test(code);
      const borrowed = [...exporter].filter(([k, f]) => f !== file && !own.includes(k) && mentioned(k)).map(([, f]) => f);
      const modules = [...new Set(borrowed)].concat(file); // own exports last, so they win
      const imports = modules.map((m, k) => `import * as __m${k} from ${JSON.stringify(m)};`).join("\n");
      const scope = modules.map((_, k) => `Object.assign(__scope, __m${k});`).join("\n");
      const body = code.replace(/console\.assert\(/g, "__assert(");
      const names = [...new Set([...own, ...exporter.keys()])].filter(mentioned);
      const src = `${imports}
const __scope = {};
${scope}
const __assert = (ok, ...msg) => { if (!ok) throw new Error("example assertion failed " + msg.join(" ")); };
const { ${names.join(", ")} } = __scope;
${body}
`;
      const path = join(dir, `example-${n++}.mts`);
      writeFileSync(path, src);
      await assert.doesNotReject(import(path), name);
    });
  });
}
