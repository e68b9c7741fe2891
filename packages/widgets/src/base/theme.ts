import { type CSSResult, css, unsafeCSS } from "lit";

/**
 * Design tokens. Integrators set the public `--gk-*` custom properties anywhere above a widget
 * (`:root`, a container, or the element itself) and they inherit into every widget's shadow root.
 * Each widget resolves them on its `:host` into private `--_gk-*` properties with Gatherkit's
 * light defaults, or dark ones under `prefers-color-scheme: dark`. Component styles only read
 * the resolved values, through {@link vars}.
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
  radius: ["0.5rem", "0.5rem"],
  "space-xs": ["0.25rem", "0.25rem"],
  "space-s": ["0.5rem", "0.5rem"],
  "space-m": ["1rem", "1rem"],
  "space-l": ["1.5rem", "1.5rem"],
  "space-xl": ["2rem", "2rem"],
  "font-family": [
    'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
    'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  ],
  "font-size-s": ["0.875rem", "0.875rem"],
  "font-size-m": ["1rem", "1rem"],
  "font-size-l": ["1.25rem", "1.25rem"],
} as const;

export type TokenName = keyof typeof TOKENS;

/** The public custom property for a token, e.g. `--gk-color-accent`. */
export const tokenProperty = (name: TokenName): `--gk-${TokenName}` => `--gk-${name}`;

const declarations = (scheme: 0 | 1) =>
  unsafeCSS((Object.keys(TOKENS) as TokenName[]).map((name) => `--_gk-${name}: var(--gk-${name}, ${TOKENS[name][scheme]});`).join("\n"));

/** Resolves the tokens on `:host`. Every widget's styles start with this. */
export const theme: CSSResult = css`
  :host {
    ${declarations(0)}
  }
  @media (prefers-color-scheme: dark) {
    :host {
      ${declarations(1)}
    }
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
