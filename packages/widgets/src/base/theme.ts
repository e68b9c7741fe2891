import { type CSSResult, css, unsafeCSS } from "lit";

/**
 * Design tokens. Integrators set the public `--gk-*` custom properties anywhere above a widget
 * (`:root`, a container, or the element itself) and they inherit into every widget's shadow root.
 * Each widget resolves them on its `:host` into private `--_gk-*` properties with Gatherkit's
 * defaults, each colour defined once as its light and dark value (`light-dark()`), chosen by the
 * widget's `color-scheme` attribute (see {@link theme}). Component styles only read the resolved
 * values, through {@link vars}.
 *
 * Defaults meet WCAG AA: text, muted text, danger and accent-contrast-on-accent are all at
 * least 4.5:1 on their backgrounds in both schemes.
 */
const TOKENS = {
  "color-surface": ["#ffffff", "#17191e"],
  "color-text": ["#1f2328", "#e6e8eb"],
  "color-muted": ["#57606a", "#a5adb8"],
  "color-accent": ["#1d4ed8", "#7aa7ff"],
  "color-accent-contrast": ["#ffffff", "#0b1220"],
  "color-danger": ["#b42318", "#ff9b93"],
  "color-border": ["#d0d7de", "#3d444d"],
  "color-focus": ["#1d4ed8", "#7aa7ff"],
  // Numbers are sizes in the widget's own rem (see `rem`).
  radius: 0.5,
  "space-xs": 0.25,
  "space-s": 0.5,
  "space-m": 1,
  "space-l": 1.5,
  "space-xl": 2,
  "font-family": 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  "font-size-s": 0.875,
  "font-size-m": 1,
  "font-size-l": 1.25,
} as const;

export type TokenName = keyof typeof TOKENS;

/** The public custom property for a token, e.g. `--gk-color-accent`. */
export const tokenProperty = (name: TokenName): `--gk-${TokenName}` => `--gk-${name}`;

/**
 * The widget's own `rem`: the visitor's default font size (`medium`), taken on `:host` and inherited
 * as a length, so a host page's root font size (`html { font-size: 62.5% }`) or an inherited one
 * does not resize the widgets. Registered so it inherits as a computed length (an unregistered
 * `1em` would compound in nested text); where registration is not possible it still works as `em`.
 */
const REM = "--_gk-rem";
try {
  globalThis.CSS?.registerProperty?.({ name: REM, syntax: "<length>", inherits: true, initialValue: "16px" });
} catch {
  // Registered already, by another copy of the widgets on the page.
}

/** `n` of the widget's own `rem` (see above), for component styles: `` css`min-inline-size: ${rem(12)}` ``. */
export const rem = (n: number): CSSResult => unsafeCSS(`calc(${n} * var(${REM}))`);

/** A token's default: a colour's `light-dark(light, dark)`, picked by the host's `color-scheme`; a size in the widget's own rem; or the value. */
const fallback = (v: string | number | readonly [string, string]) =>
  typeof v === "number" ? rem(v) : typeof v === "string" ? v : `light-dark(${v[0]}, ${v[1]})`;

/**
 * Resolves the tokens on `:host`. Every widget's styles start with this. The colour defaults pick
 * their light or dark value by the host's `color-scheme`: the `color-scheme` attribute
 * (`light`, `dark`; `auto` or none: the visitor's system setting, `prefers-color-scheme`). It is
 * `!important` so a host page's `* { all: unset }` or `color-scheme` rule cannot turn it; native
 * controls (inputs, selects, scrollbars) follow it too.
 *
 * What a page passes down to every element (font, text and colour) stops at `:host`: the widget's
 * come from its tokens. `!important` there wins over a host page's `!important` rules (the
 * widget's own context is the inner one), such as `* { all: unset !important }` or a font size.
 */
export const theme: CSSResult = css`
  :host {
    ${unsafeCSS((Object.keys(TOKENS) as TokenName[]).map((name) => `--_gk-${name}: var(--gk-${name}, ${fallback(TOKENS[name])});`).join("\n"))}
    color-scheme: light dark !important;
    ${unsafeCSS(REM)}: 1em;
    font: normal normal 400 medium / 1.5 var(--_gk-font-family) !important;
    color: var(--_gk-color-text) !important;
    letter-spacing: normal !important;
    word-spacing: normal !important;
    text-align: start !important;
    text-indent: 0 !important;
    text-transform: none !important;
    text-shadow: none !important;
    white-space: normal !important;
    font-size-adjust: none !important;
  }
  :host([color-scheme="light"]) {
    color-scheme: light !important;
  }
  :host([color-scheme="dark"]) {
    color-scheme: dark !important;
  }
`;

type CamelCase<S extends string> = S extends `${infer H}-${infer T}` ? `${H}${Capitalize<CamelCase<T>>}` : S;

/**
 * The resolved tokens as CSS values for component styles:
 * `` css`color: ${vars.colorText}; padding: ${vars.spaceM};` ``.
 */
export const vars = Object.fromEntries(
  (Object.keys(TOKENS) as TokenName[]).map((name) => [
    name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase()),
    unsafeCSS(`var(--_gk-${name})`),
  ]),
) as { readonly [K in TokenName as CamelCase<K>]: CSSResult };
