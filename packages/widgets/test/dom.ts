/**
 * Queries across shadow roots, for composed widgets (`<gk-plan-board>` renders its children,
 * which have shadow roots of their own).
 */

function roots(el: Element): ParentNode[] {
  const out: ParentNode[] = [];
  const visit = (root: ParentNode) => {
    out.push(root);
    for (const child of root.querySelectorAll("*")) if (child.shadowRoot) visit(child.shadowRoot);
  };
  visit(el.shadowRoot ?? el);
  return out;
}

/** Every element matching `selector` in `el`'s shadow root and the shadow roots inside it. */
export const findAll = <T extends Element = HTMLElement>(el: Element, selector: string): T[] =>
  roots(el).flatMap((r) => [...r.querySelectorAll<T>(selector)]);

/** The first of {@link findAll}, or null. */
export const find = <T extends Element = HTMLElement>(el: Element, selector: string): T | null => findAll<T>(el, selector)[0] ?? null;

/** Elements with the part `name` (anywhere inside). */
export const parts = (el: Element, name: string) => findAll(el, `[part~="${name}"]`);
export const part = (el: Element, name: string) => find(el, `[part~="${name}"]`);

/** Text with whitespace collapsed. */
export const text = (node: Element | null) => node!.textContent!.replace(/\s+/g, " ").trim();

/** The focused element, through shadow roots. */
export function active(): Element | null {
  let a = document.activeElement;
  while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
  return a;
}

/** Waits for every Lit element inside `el` (and `el`) to finish rendering. */
export async function rendered(el: Element): Promise<void> {
  for (let i = 0; i < 3; i++) {
    const els = [el, ...findAll(el, "*")] as (Element & { updateComplete?: Promise<unknown> })[];
    await Promise.all(els.map((e) => e.updateComplete));
  }
}
