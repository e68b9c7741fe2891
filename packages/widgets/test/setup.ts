/**
 * Keeps failed assertions about DOM nodes reportable. The runner sends each failure to Node with
 * `structuredClone`, which cannot copy a node, and the run then hangs instead of failing
 * (modernweb-dev/web#2967). This replaces such `actual`/`expected` values with a description.
 */
afterEach(function () {
  const err = this.currentTest?.err as (Error & { actual?: unknown; expected?: unknown }) | undefined;
  if (!err) return;
  for (const key of ["actual", "expected"] as const) {
    if (!(key in err)) continue;
    try {
      structuredClone(err[key]);
    } catch {
      err[key] = summarize(err[key]);
    }
  }
});

function summarize(value: unknown): string {
  if (value instanceof Element) {
    const attrs = [...value.attributes].map((a) => ` ${a.name}="${a.value}"`).join("");
    return `<${value.localName}${attrs}>`;
  }
  if (value instanceof Node) return value.nodeName;
  if (Array.isArray(value)) return `[${value.map(summarize).join(", ")}]`;
  return String(value);
}

export {};
