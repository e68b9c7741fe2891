import { css } from "lit";
import { vars } from "../base/theme.js";

/** Styles the plan widgets share: headings, forms (join, propose, chat), badges. */
export const planStyles = css`
  h2,
  h3,
  h4 {
    margin: 0;
    line-height: 1.3;
  }
  h2 {
    font-size: ${vars.fontSizeL};
  }
  h3 {
    font-size: ${vars.fontSizeM};
  }
  p {
    margin: 0;
  }
  a {
    color: ${vars.colorAccent};
  }

  form {
    display: grid;
    gap: ${vars.spaceS};
  }
  [part~="field"] {
    display: grid;
    gap: ${vars.spaceXs};
  }
  [part~="field"] label {
    font-size: ${vars.fontSizeS};
    font-weight: 600;
  }
  .optional {
    font-weight: 400;
    color: ${vars.colorMuted};
  }
  input:not([type="radio"]),
  textarea {
    box-sizing: border-box;
    inline-size: 100%;
    font: inherit;
    padding: ${vars.spaceXs} ${vars.spaceS};
    color: ${vars.colorText};
    background: ${vars.colorSurface};
    border: 1px solid ${vars.colorBorder};
    border-radius: ${vars.radius};
  }
  textarea {
    min-block-size: 4em;
    resize: vertical;
  }
  form button {
    justify-self: start;
  }
  button[aria-disabled="true"] {
    cursor: progress;
    filter: saturate(0.6);
  }
  button.secondary {
    background: transparent;
    color: ${vars.colorAccent};
    border-color: ${vars.colorAccent};
  }
  [part~="form-error"] {
    color: ${vars.colorDanger};
    font-size: ${vars.fontSizeS};
  }
  [part~="join"] {
    display: grid;
    gap: ${vars.spaceS};
    padding: ${vars.spaceM};
  }
  [part~="join-facts"],
  [part~="join-description"] {
    color: ${vars.colorMuted};
  }

  [part~="badge"] {
    display: inline-block;
    padding: 0 ${vars.spaceS};
    border: 1px solid currentColor;
    border-radius: 999px;
    font-size: ${vars.fontSizeS};
    font-weight: 400;
    color: ${vars.colorMuted};
    vertical-align: middle;
  }
`;
