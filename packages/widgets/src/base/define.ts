/**
 * Registers a custom element unless the name is taken. Loading the same widget script twice
 * (or two widget bundles that both contain a shared element) never throws; the first
 * definition wins. Does nothing where there is no `customElements` registry (server rendering).
 */
export function defineElement(name: string, element: CustomElementConstructor): void {
  const registry = globalThis.customElements;
  if (!registry || registry.get(name)) return;
  registry.define(name, element);
}
