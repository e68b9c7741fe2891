import { css } from "lit";
import { rem, vars } from "../../base/theme.js";

/**
 * The one style module the plan widgets share: headings and sections, forms (join, propose,
 * chat, inline edits), secondary buttons, badges, refusals, the revoked notice and the action
 * scope (a `fieldset` that disables every control at once). Element styles hold only their own
 * layout.
 */
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
  h3,
  h4 {
    font-size: ${vars.fontSizeM};
  }
  p {
    margin: 0;
  }
  a {
    color: ${vars.colorAccent};
  }
  ul,
  ol {
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .muted {
    color: ${vars.colorMuted};
    font-size: ${vars.fontSizeS};
  }

  /* Everything a person can do sits in this fieldset: disabled, it disables them all. */
  fieldset.scope {
    display: grid;
    gap: ${vars.spaceS};
    align-content: start;
    min-inline-size: 0;
    margin: 0;
    padding: 0;
    border: 0;
  }
  [part~="heading"] {
    padding-block-end: ${vars.spaceXs};
    border-block-end: 1px solid ${vars.colorBorder};
  }
  [part~="notice"] {
    margin: 0 0 ${vars.spaceS};
    padding: ${vars.spaceS} ${vars.spaceM};
    border: 1px solid ${vars.colorDanger};
    border-radius: ${vars.radius};
    color: ${vars.colorDanger};
    background: ${vars.colorSurface};
    font-family: ${vars.fontFamily};
    font-weight: 600;
  }

  form {
    display: grid;
    gap: ${vars.spaceS};
  }
  .field {
    display: grid;
    gap: ${vars.spaceXs};
  }
  .field label {
    font-size: ${vars.fontSizeS};
    font-weight: 600;
  }
  .optional {
    font-weight: 400;
    color: ${vars.colorMuted};
  }
  input:not([type="radio"]),
  textarea,
  select {
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
  .row {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(${rem(12)}, 1fr));
    gap: ${vars.spaceS};
  }
  .row.tight {
    grid-template-columns: 1fr auto auto;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: ${vars.spaceS};
  }
  form button,
  .actions button {
    justify-self: start;
  }
  button[aria-disabled="true"] {
    cursor: progress;
    filter: saturate(0.6);
  }
  /* Disabled (the viewer lost access): muted, still readable. */
  button:disabled,
  button.secondary:disabled {
    cursor: not-allowed;
    filter: none;
    background: transparent;
    color: ${vars.colorMuted};
    border-color: currentColor;
  }
  input:disabled,
  textarea:disabled,
  select:disabled {
    cursor: not-allowed;
    color: ${vars.colorMuted};
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
  .form-status {
    font-size: ${vars.fontSizeS};
  }
  .form-status:empty {
    display: none;
  }

  [part~="join"] {
    display: grid;
    gap: ${vars.spaceS};
    padding: ${vars.spaceM};
  }
  [part~="join"] [part~="facts"],
  [part~="join"] [part~="description"] {
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
