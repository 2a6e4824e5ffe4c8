import ts from "typescript";

/** Modules the pure core must never import: I/O, the network, processes, GitHub, logging. */
const BANNED_MODULES = [
  /^probot($|\/)/,
  /^@octokit\//,
  /^simple-git($|\/)/,
  /^(node:)?fs($|\/)/,
  /^(node:)?child_process$/,
  /^(node:)?(http|https|http2|net|tls|dgram|dns)$/,
  /^(node:)?(process|worker_threads|cluster|os|timers)($|\/)/,
  /^(undici|node-fetch|axios|pino|prom-client|nock)($|\/)/,
];

/** Globals that read the clock, randomness or the environment, or perform I/O. */
const BANNED_CALLS = new Set(["fetch", "setTimeout", "setInterval", "setImmediate", "require"]);
const BANNED_MEMBERS = new Set([
  "Date.now",
  "performance.now",
  "Math.random",
  "crypto.randomUUID",
  "crypto.getRandomValues",
]);
const BANNED_IDENTIFIERS = new Set(["process", "globalThis"]);

export interface Impurity {
  readonly file: string;
  readonly line: number;
  readonly what: string;
}

/** Every place in `source` that breaks the core's purity rule. */
export function findImpurities(file: string, source: string): Impurity[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: Impurity[] = [];
  const report = (node: ts.Node, what: string) =>
    out.push({ file, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, what });
  const checkModule = (node: ts.Node, spec: ts.Expression | undefined) => {
    if (spec && ts.isStringLiteral(spec) && BANNED_MODULES.some((re) => re.test(spec.text)))
      report(node, `imports ${spec.text}`);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) checkModule(node, node.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      checkModule(node, node.moduleReference.expression);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      report(node, "uses a dynamic import()");
    } else if (
      ts.isCallExpression(node) &&
      ts.isIdentifier(node.expression) &&
      BANNED_CALLS.has(node.expression.text)
    ) {
      report(node, `calls ${node.expression.text}()`);
    } else if (ts.isPropertyAccessExpression(node) && BANNED_MEMBERS.has(node.getText(sf))) {
      report(node, `uses ${node.getText(sf)}`);
    } else if (
      ts.isNewExpression(node) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === "Date" &&
      (node.arguments?.length ?? 0) === 0
    ) {
      report(node, "reads the clock with new Date()");
    } else if (ts.isIdentifier(node) && BANNED_IDENTIFIERS.has(node.text) && !isPropertyName(node)) {
      report(node, `uses the global ${node.text}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

function isPropertyName(node: ts.Identifier): boolean {
  const parent = node.parent;
  return (
    (ts.isPropertyAccessExpression(parent) && parent.name === node) ||
    (ts.isPropertyAssignment(parent) && parent.name === node) ||
    (ts.isPropertySignature(parent) && parent.name === node) ||
    ts.isImportSpecifier(parent)
  );
}
