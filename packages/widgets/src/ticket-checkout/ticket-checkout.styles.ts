import { css } from "lit";
import { rem, vars } from "../base/theme.js";

export const ticketCheckoutStyles = css`
  :host {
    --_gk-tc-gap: var(--gk-ticket-checkout-gap, ${vars.spaceM});
    --_gk-tc-card: var(--gk-ticket-checkout-card-background, transparent);
  }
  [part~="checkout"] {
    display: grid;
    gap: var(--_gk-tc-gap);
    padding: ${vars.spaceM};
    border: 1px solid ${vars.colorBorder};
    border-radius: ${vars.radius};
  }
  h2,
  h3,
  p {
    margin: 0;
    line-height: 1.3;
  }
  h2 {
    font-size: ${vars.fontSizeL};
  }
  h3 {
    font-size: ${vars.fontSizeM};
  }
  a {
    color: ${vars.colorAccent};
  }
  ul {
    display: grid;
    gap: ${vars.spaceS};
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .muted {
    color: ${vars.colorMuted};
    font-size: ${vars.fontSizeS};
  }
  form,
  fieldset {
    display: grid;
    gap: ${vars.spaceS};
    margin: 0;
    padding: 0;
    border: 0;
    min-inline-size: 0;
  }
  legend {
    padding: 0;
    font-weight: 600;
  }
  [part~="ticket-type"] {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: ${vars.spaceS};
    padding: ${vars.spaceS};
    border: 1px solid ${vars.colorBorder};
    border-radius: ${vars.radius};
    background: var(--_gk-tc-card);
  }
  [part~="price"] {
    font-weight: 600;
  }
  [part~="stepper"] {
    display: inline-flex;
    align-items: center;
    gap: ${vars.spaceXs};
  }
  [part~="stepper"] output {
    min-inline-size: 2ch;
    text-align: center;
    font-variant-numeric: tabular-nums;
  }
  [part~="stepper"] button {
    min-inline-size: ${rem(2.25)};
    font-size: ${vars.fontSizeM};
  }
  button[aria-disabled="true"],
  button:disabled {
    opacity: 0.55;
    cursor: not-allowed;
  }
  .field {
    display: grid;
    gap: ${vars.spaceXs};
  }
  label {
    font-size: ${vars.fontSizeS};
  }
  [part~="input"] {
    font: inherit;
    padding: ${vars.spaceXs} ${vars.spaceS};
    border: 1px solid ${vars.colorBorder};
    border-radius: ${vars.radius};
    background: ${vars.colorSurface};
    color: ${vars.colorText};
  }
  [part~="input"][aria-invalid="true"] {
    border-color: ${vars.colorDanger};
  }
  .field-error,
  [part~="form-error"] {
    color: ${vars.colorDanger};
    font-size: ${vars.fontSizeS};
  }
  [part~="form-error"] p,
  [part~="form-error"] ul {
    margin: 0;
  }
  [part~="countdown"] {
    font-variant-numeric: tabular-nums;
    font-weight: 600;
  }
  [part~="pay-link"] {
    justify-self: start;
    padding: ${vars.spaceXs} ${vars.spaceM};
    border-radius: ${vars.radius};
    background: ${vars.colorAccent};
    color: ${vars.colorAccentContrast};
    text-decoration: none;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: ${vars.spaceS};
  }
  button.secondary {
    background: transparent;
    color: ${vars.colorAccent};
    border-color: ${vars.colorBorder};
  }
  [part~="ticket"] {
    display: flex;
    flex-wrap: wrap;
    justify-content: space-between;
    gap: ${vars.spaceS};
    padding: ${vars.spaceS};
    border: 1px dashed ${vars.colorBorder};
    border-radius: ${vars.radius};
  }
  [part~="ticket-code"],
  [part~="confirmation-code"] {
    font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    font-weight: 600;
    letter-spacing: 0.05em;
  }
`;
