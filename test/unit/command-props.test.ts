import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

/**
 * A command takes its props first: `fn(props, ...inputs)`, where props is `{ ctx, actor, meta }` typed from
 * `CommandProps` (src/shared/command.ts). Every exported function of src/ that runs `command(` must name that
 * first parameter `props` or destructure `{ ctx, actor, meta }` there, so callers always pass one object.
 */
const ROOT = join(__dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'migrations' ? [] : sources(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

type Fn = ts.FunctionDeclaration | ts.ArrowFunction | ts.FunctionExpression;

/** The exported functions of one file (declarations and `export const f = (…) => …`) that call `command(` in their body. */
function commandsOf(file: string, text: string): Array<{ name: string; fn: Fn }> {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: Array<{ name: string; fn: Fn }> = [];
  const exported = (n: ts.Node) => ts.canHaveModifiers(n) && (ts.getModifiers(n) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  sf.forEachChild((n) => {
    if (!exported(n)) return;
    if (ts.isFunctionDeclaration(n) && n.body && n.name) found.push({ name: n.name.text, fn: n });
    if (ts.isVariableStatement(n)) {
      for (const d of n.declarationList.declarations) {
        if (d.initializer && (ts.isArrowFunction(d.initializer) || ts.isFunctionExpression(d.initializer))) found.push({ name: d.name.getText(sf), fn: d.initializer });
      }
    }
  });
  const callsCommand = (n: ts.Node): boolean =>
    (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'command') || (ts.forEachChild(n, callsCommand) ?? false);
  return found.filter(({ fn }) => fn.body !== undefined && callsCommand(fn.body));
}

/** Whether the first parameter is `props` or the pattern `{ ctx, actor, meta }` (defaults allowed). */
function takesProps(fn: Fn): boolean {
  const first = fn.parameters[0];
  if (!first) return false;
  if (ts.isIdentifier(first.name)) return first.name.text === 'props';
  if (!ts.isObjectBindingPattern(first.name)) return false;
  const keys = first.name.elements.map((e) => (e.propertyName ?? e.name).getText());
  return ['ctx', 'actor', 'meta'].every((k) => keys.includes(k));
}

function offenders(file: string, text: string): string[] {
  return commandsOf(file, text)
    .filter(({ fn }) => !takesProps(fn))
    .map(({ name }) => `${file}: ${name}`);
}

describe('commands take their props first', () => {
  const files = sources('src').map((f) => relative(ROOT, join(ROOT, f)));

  it('every exported function of src/ that runs command( takes props or { ctx, actor, meta } first', () => {
    const found = files.flatMap((file) => {
      const text = readFileSync(join(ROOT, file), 'utf8');
      return text.includes('command(') ? offenders(file, text) : [];
    });
    expect(found).toEqual([]);
  });

  it('the check tells the old shape from the new', () => {
    const old = "export async function f(ctx: Ctx, actor: Actor, id: string, meta: Meta) { return command({ ctx, actor, meta }, async () => id); }";
    const named = "export async function f(props: XProps<Ctx>, id: string) { return command(props, async () => id); }";
    const destructured = "export const f = async ({ ctx, actor, meta = {} }: XProps<Ctx>, id: string) => command({ ctx, actor, meta }, async () => id);";
    const notACommand = 'export async function f(ctx: Ctx, id: string) { return ctx.db.query(id); }';
    expect(offenders('old.ts', old)).toEqual(['old.ts: f']);
    expect(offenders('named.ts', named)).toEqual([]);
    expect(offenders('destructured.ts', destructured)).toEqual([]);
    expect(offenders('plain.ts', notACommand)).toEqual([]);
    expect(files).toContain('src/shared/command.ts');
  });
});
