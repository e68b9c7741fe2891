import { css } from "lit";
import { vars } from "../base/theme.js";

export const voteStyles = css`
  :host {
    --_gk-vote-bar: var(--gk-vote-bar-color, ${vars.colorAccent});
    --_gk-vote-gap: var(--gk-vote-gap, ${vars.spaceM});
  }
  [part~="poll"] {
    display: grid;
    gap: ${vars.spaceS};
    padding: ${vars.spaceM};
    border: 1px solid ${vars.colorBorder};
    border-radius: ${vars.radius};
  }
  .proposals {
    display: grid;
    gap: var(--_gk-vote-gap);
    margin: 0;
    padding: 0;
    list-style: none;
  }
  [part~="proposal"] {
    display: grid;
    gap: ${vars.spaceXs};
    padding-block-start: var(--_gk-vote-gap);
    border-block-start: 1px solid ${vars.colorBorder};
  }
  .proposal-time {
    color: ${vars.colorMuted};
    font-size: ${vars.fontSizeS};
  }
`;
