// Microsoft's KQL parser and analyzer, driven by kqlhunt.parity (never needed to run queries).
// The npm package @kusto/language-service-next is found through NODE_PATH.
// Reads one JSON request per line on stdin: {"id", "query", "tables": {name: [[col, type], ...]}}
// and writes one JSON answer per line: {"id", "syntax_errors": [...], "errors": [...],
// "columns": [[name, type], ...] or null when no tabular result type is inferred,
// "tables": the names of the given tables the query reads}.
"use strict";
require("@kusto/language-service-next/bridge.js");
require("@kusto/language-service-next/Kusto.Language.Bridge.js");
const readline = require("readline");

const K = Kusto.Language;
const S = K.Symbols;

function quoteName(name) {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : "['" + name.replace(/'/g, "\\'") + "']";
}

function globalsFor(tables) {
  const symbols = [];
  for (const [name, columns] of Object.entries(tables || {})) {
    const schema = "(" + columns.map(([c, t]) => quoteName(c) + ":" + t).join(", ") + ")";
    symbols.push(new S.TableSymbol.$ctor7(name, schema, null));
  }
  const db = new S.DatabaseSymbol.$ctor1("db", symbols, false);
  return K.GlobalState.Default.WithDatabase(db);
}

function list(items) {
  const out = [];
  if (!items) return out;
  for (let i = 0; i < items.Count; i++) out.push(items.getItem(i));
  return out;
}

// Building the globals is the slow part; many requests share the same tables.
const globalsCache = new Map();

function cachedGlobals(tables) {
  const key = JSON.stringify(tables || {});
  let globals = globalsCache.get(key);
  if (globals === undefined) {
    globals = globalsFor(tables);
    if (globalsCache.size > 64) globalsCache.clear();
    globalsCache.set(key, globals);
  }
  return globals;
}

function analyze(request) {
  const code = K.KustoCode.ParseAndAnalyze(request.query, cachedGlobals(request.tables));
  const syntax = list(code.GetSyntaxDiagnostics ? code.GetSyntaxDiagnostics() : null);
  const all = list(code.GetDiagnostics());
  const errors = all.filter((d) => d.Severity === "Error").map((d) => d.Message);
  const syntaxErrors = syntax.filter((d) => d.Severity === "Error").map((d) => d.Message);
  let columns = null;
  const result = code.ResultType;
  if (result && result.Kind === S.SymbolKind.Table) {
    columns = list(result.Columns).map((c) => [c.Name, c.Type.Name]);
  }
  const tables = new Set();
  code.Syntax.WalkNodes((node) => {
    const symbol = node.ReferencedSymbol;
    if (symbol && symbol.Kind === S.SymbolKind.Table && node.Kind === K.Syntax.SyntaxKind.NameReference) {
      tables.add(symbol.Name);
    }
  });
  return {
    id: request.id,
    syntax_errors: syntaxErrors,
    errors: errors,
    columns: columns,
    tables: [...tables].sort(),
  };
}

const lines = readline.createInterface({ input: process.stdin, terminal: false });
lines.on("line", (line) => {
  if (!line.trim()) return;
  const request = JSON.parse(line);
  let answer;
  try {
    answer = analyze(request);
  } catch (e) {
    answer = { id: request.id, crash: String(e) };
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
});
