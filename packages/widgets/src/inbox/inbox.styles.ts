import { css } from "lit";
import { rem, vars } from "../base/theme.js";

export const inboxStyles = css`
  .head {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: ${vars.spaceS};
    flex-wrap: wrap;
  }
  [part~="heading"] {
    display: flex;
    align-items: center;
    gap: ${vars.spaceS};
    margin: 0;
    font-size: ${vars.fontSizeL};
  }
  [part~="badge"] {
    display: inline-grid;
    place-items: center;
    min-inline-size: 1.6em;
    padding: 0 ${vars.spaceXs};
    border-radius: 999px;
    background: var(--gk-inbox-badge-color, ${vars.colorAccent});
    color: ${vars.colorAccentContrast};
    font-size: ${vars.fontSizeS};
    line-height: 1.6;
  }
  [part~="items"] {
    list-style: none;
    margin: ${vars.spaceM} 0 0;
    padding: 0;
    max-block-size: var(--gk-inbox-height, ${rem(24)});
    overflow-y: auto;
  }
  [part~="item"] {
    display: grid;
    gap: ${vars.spaceXs};
    padding: ${vars.spaceS} ${vars.spaceM};
    border-block-start: 1px solid ${vars.colorBorder};
  }
  [part~="unread"] {
    border-inline-start: 3px solid ${vars.colorAccent};
  }
  [part~="item-title"],
  [part~="item-body"] {
    margin: 0;
    overflow-wrap: anywhere;
  }
  [part~="item-body"] {
    white-space: pre-line;
  }
  [part~="item-time"] {
    color: ${vars.colorMuted};
    font-size: ${vars.fontSizeS};
  }
  .actions {
    display: flex;
    gap: ${vars.spaceS};
    align-items: center;
    flex-wrap: wrap;
  }
  a {
    color: ${vars.colorAccent};
  }
  a:focus-visible {
    outline: 2px solid ${vars.colorFocus};
    outline-offset: 2px;
  }
  .muted {
    color: ${vars.colorMuted};
  }
`;
