import { css } from "lit";
import { vars } from "../../base/theme.js";

/**
 * Styles of the shared voting pieces (tally, radio group, deadline). Hosts define
 * `--_gk-vote-bar` (the tally bars' colour) from their own custom property.
 */
export const voteControlStyles = css`
  .tally, .tally-hidden {
    margin: ${vars.spaceS} 0;
    padding: 0;
    list-style: none;
    font-size: ${vars.fontSizeS};
  }
  .tally-count {
    display: grid;
    grid-template-columns: 4.5em 1fr 2.5em;
    align-items: center;
    gap: ${vars.spaceS};
  }
  /* An SVG bar: its length is the rect's width attribute (no styleMap directive needed). */
  .tally-bar {
    display: block;
    inline-size: 100%;
    block-size: 0.5em;
    border-radius: 0.25em;
    background: ${vars.colorBorder};
    overflow: hidden;
  }
  .tally-bar rect {
    fill: var(--_gk-vote-bar, ${vars.colorAccent});
  }
  .tally-number {
    text-align: end;
    font-variant-numeric: tabular-nums;
  }
  .tally-hidden {
    color: ${vars.colorMuted};
  }

  .vote-group {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: ${vars.spaceS};
    margin: 0;
    padding: 0;
    border: 0;
    min-inline-size: 0;
  }
  .vote-legend {
    float: inline-start;
    margin-inline-end: ${vars.spaceS};
    padding: 0;
    font-size: ${vars.fontSizeS};
    color: ${vars.colorMuted};
  }
  [part~="vote-option"] {
    display: inline-flex;
    align-items: center;
    gap: ${vars.spaceXs};
    padding: ${vars.spaceXs} ${vars.spaceM};
    border: 1px solid ${vars.colorBorder};
    border-radius: 999px;
    font-size: ${vars.fontSizeS};
    cursor: pointer;
  }
  [part~="vote-option"] input {
    margin: 0;
    accent-color: ${vars.colorAccent};
  }
  [part~="vote-option-checked"] {
    border-color: ${vars.colorAccent};
    font-weight: 600;
  }
  [part~="vote-option"]:has(input:focus-visible) {
    outline: 2px solid ${vars.colorFocus};
    outline-offset: 2px;
  }
  [part~="vote-option"] input:focus-visible {
    outline: none;
  }
  .vote-group:disabled [part~="vote-option"] {
    cursor: default;
    color: ${vars.colorMuted};
  }

  .vote-error {
    margin: ${vars.spaceXs} 0 0;
    color: ${vars.colorDanger};
    font-size: ${vars.fontSizeS};
  }

  .deadline {
    margin: 0 0 ${vars.spaceS};
    color: ${vars.colorMuted};
    font-size: ${vars.fontSizeS};
  }
`;
