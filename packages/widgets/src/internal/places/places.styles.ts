import { css } from "lit";
import { rem, vars } from "../../base/theme.js";

/** What both places widgets share: headings, fields, secondary buttons, the booking form and confirmation. */
export const placesStyles = css`
  h2,
  h3 {
    margin: 0;
    font-size: ${vars.fontSizeL};
  }
  h3 {
    font-size: ${vars.fontSizeM};
  }
  p {
    margin: 0;
  }
  .muted,
  .hint {
    color: ${vars.colorMuted};
    font-size: ${vars.fontSizeS};
  }
  .hint {
    display: block;
    font-weight: 400;
  }
  [part~="field"] {
    display: grid;
    gap: ${vars.spaceXs};
    font-size: ${vars.fontSizeS};
    font-weight: 600;
  }
  input,
  select {
    box-sizing: border-box;
    inline-size: 100%;
    font: inherit;
    font-weight: 400;
    padding: ${vars.spaceXs} ${vars.spaceS};
    color: ${vars.colorText};
    background: ${vars.colorSurface};
    border: 1px solid ${vars.colorBorder};
    border-radius: ${vars.radius};
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: ${vars.spaceS};
  }
  a[part~="pay-link"] {
    display: inline-block;
    font-size: ${vars.fontSizeS};
    padding: ${vars.spaceXs} ${vars.spaceM};
    border-radius: ${vars.radius};
    background: ${vars.colorAccent};
    color: ${vars.colorAccentContrast};
    text-decoration: none;
  }
  button.secondary {
    background: transparent;
    color: ${vars.colorAccent};
    border-color: ${vars.colorAccent};
  }
  button[aria-disabled="true"] {
    cursor: progress;
    filter: saturate(0.6);
  }
  button:disabled {
    cursor: not-allowed;
    filter: none;
    background: transparent;
    color: ${vars.colorMuted};
    border-color: currentColor;
  }
  [part~="booking"],
  [part~="confirmation"] {
    display: grid;
    gap: ${vars.spaceS};
    padding: ${vars.spaceM};
    border: 1px solid ${vars.colorBorder};
    border-radius: ${vars.radius};
  }
  [part~="booking-form"] {
    display: grid;
    gap: ${vars.spaceS};
    grid-template-columns: repeat(auto-fit, minmax(${rem(12)}, 1fr));
  }
  [part~="booking-form"] .actions,
  [part~="booking-form"] [part~="form-error"] {
    grid-column: 1 / -1;
  }
  [part~="form-error"] {
    color: ${vars.colorDanger};
    font-size: ${vars.fontSizeS};
  }
  [part~="form-error"] ul {
    margin: 0;
    padding-inline-start: 1.25em;
  }
  [part~="confirmation"] dl {
    display: grid;
    grid-template-columns: auto 1fr;
    gap: ${vars.spaceXs} ${vars.spaceM};
    margin: 0;
  }
  [part~="confirmation"] dt {
    color: ${vars.colorMuted};
  }
  [part~="confirmation"] dd {
    margin: 0;
  }
`;
