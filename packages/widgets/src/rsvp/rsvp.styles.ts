import { css } from "lit";
import { vars } from "../base/theme.js";

export const rsvpStyles = css`
  .rsvp {
    display: grid;
    gap: ${vars.spaceM};
    padding: ${vars.spaceM};
  }
  h2,
  h3,
  p {
    margin: 0;
  }
  form,
  fieldset {
    display: grid;
    gap: ${vars.spaceS};
  }
  fieldset {
    border: 1px solid ${vars.colorBorder};
    border-radius: ${vars.radius};
    padding: ${vars.spaceS};
    margin: 0;
  }
  [part~="answers"] {
    display: flex;
    flex-wrap: wrap;
    gap: ${vars.spaceM};
  }
  label {
    display: grid;
    gap: ${vars.spaceXs};
  }
  label.inline {
    display: flex;
    align-items: center;
    gap: ${vars.spaceXs};
  }
  [part~="calendar-links"] {
    display: flex;
    flex-wrap: wrap;
    gap: ${vars.spaceM};
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .actions {
    display: flex;
    gap: ${vars.spaceS};
  }
`;

/** Fields and muted text, shared with `<gk-agenda>`. */
export const guestFieldStyles = css`
  .muted {
    color: ${vars.colorMuted};
    font-size: ${vars.fontSizeS};
  }
  input:not([type="radio"]):not([type="checkbox"]),
  select {
    font: inherit;
    padding: ${vars.spaceXs} ${vars.spaceS};
    border: 1px solid ${vars.colorBorder};
    border-radius: ${vars.radius};
    background: ${vars.colorSurface};
    color: ${vars.colorText};
  }
  a {
    color: ${vars.colorAccent};
  }
`;
