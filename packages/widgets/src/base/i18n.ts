import type { ReactiveController, ReactiveControllerHost } from "lit";

/**
 * Widget i18n without a library: each widget keeps its English sentences in a `<widget>.strings.ts`
 * table (bundled, the fallback) and every other language in `locales/<lang>.ts`, a module of its
 * own that is only fetched when a page asks for that language. Numbers, money, dates and relative
 * times go through `Intl` in the resolved locale.
 */

/** A table of a widget's sentences: plain strings, or functions of the values they show. */
export type StringTable = object;

/** Loaders of a widget's non-English tables, by language (`de`, `fr`, `es`, …). */
export type LocaleLoaders<T extends StringTable> = Readonly<Record<string, () => Promise<{ default: T }>>>;

/** Languages written right to left (`ar`, `he`, `fa`, `ur`, and their regional variants). */
export const isRtl = (locale: string): boolean => /^(ar|he|fa|ur)(-|$)/i.test(locale);

/** `tag` as a canonical BCP 47 tag, or undefined (absent or malformed). */
function canonical(tag: string | null | undefined): string | undefined {
  try {
    return tag ? Intl.getCanonicalLocales(tag.trim())[0] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The locale a widget speaks: its own `locale` (attribute, or `own`), else the nearest `lang` attribute on it
 * or an ancestor (crossing shadow roots, up to the page's `<html lang>`), else the browser's
 * language, else `en`. A malformed value is skipped, never an error; a well-formed one that no
 * table serves (`pt`, `xx`) gets the English sentences and `Intl`'s own fallback for formats.
 */
export function resolveLocale(el: Element, own = el.getAttribute("locale")): string {
  let node: Node | null = el;
  let found = canonical(own);
  while (node && !found) {
    if (node instanceof Element) found = canonical(node.getAttribute("lang"));
    node = node.parentNode ?? (node as ShadowRoot).host ?? null;
  }
  return found ?? canonical(globalThis.navigator?.language) ?? "en";
}

/** The key of `loaders` that serves `locale`: the whole tag (`pt-BR`), else its language (`de` for `de-CH`). */
export function pickTable(locale: string, loaders: object): string | undefined {
  const keys = Object.keys(loaders);
  const [lang] = locale.split("-");
  return keys.includes(locale) ? locale : keys.includes(lang as string) ? lang : undefined;
}

/** `n`'s plural category in `locale` (`one`, `few`, `other`, …) picks the form: `plural("en", 2, { one: "ticket", other: "tickets" })`. */
export function plural(locale: string, n: number, forms: Partial<Record<Intl.LDMLPluralRule, string>> & { other: string }): string {
  return forms[new Intl.PluralRules(locale).select(n)] ?? forms.other;
}

const loaded = new WeakMap<() => Promise<unknown>, StringTable>();

/** What {@link Strings} needs of its element. */
export interface LocalizedHost extends ReactiveControllerHost {
  /** The resolved locale (see {@link resolveLocale}). */
  readonly resolvedLocale: string;
  /** The host's overrides of single sentences. */
  readonly strings?: object;
}

/**
 * A widget's sentences in its element's locale: the English table at once, another language's
 * table once its chunk has loaded (then the element renders again), with the element's `strings`
 * property over either. Tables already loaded by another element are used at once.
 */
export class Strings<T extends StringTable> implements ReactiveController {
  #host: LocalizedHost;
  #english: T;
  #loaders: LocaleLoaders<T>;
  #table: T;
  #key: string | undefined;
  #overrides: () => object | undefined;

  /** `overrides` gives the host's own sentences (default: its `strings` property). */
  constructor(host: LocalizedHost, english: T, loaders: LocaleLoaders<T>, overrides = () => host.strings) {
    this.#host = host;
    this.#overrides = overrides;
    this.#english = english;
    this.#loaders = loaders;
    this.#table = english;
    host.addController(this);
  }

  hostUpdate(): void {
    const key = pickTable(this.#host.resolvedLocale, this.#loaders);
    if (key === this.#key) return;
    this.#key = key;
    const load = key ? this.#loaders[key] : undefined;
    if (!load) {
      this.#table = this.#english;
      return;
    }
    const cached = loaded.get(load) as T | undefined;
    if (cached) {
      this.#table = cached;
      return;
    }
    load().then(
      (m) => {
        loaded.set(load, m.default);
        if (this.#key !== key) return;
        this.#table = m.default;
        this.#host.requestUpdate();
      },
      // A chunk that fails to load (offline, a CDN hiccup) leaves the English sentences.
      () => undefined,
    );
  }

  /** The sentences to show: the locale's table (English until it has loaded) with the host's overrides. */
  get value(): T {
    const overrides = this.#overrides() as Partial<T> | undefined;
    return overrides && Object.keys(overrides).length ? { ...this.#table, ...overrides } : this.#table;
  }
}
