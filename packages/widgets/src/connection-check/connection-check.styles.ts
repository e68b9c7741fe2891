import { css } from "lit";
import { vars } from "../base/theme.js";

export const connectionCheckStyles = css`
  [part~="status"] {
    display: flex;
    align-items: center;
    gap: ${vars.spaceS};
    margin: 0;
    padding: ${vars.spaceM};
    border: 1px solid ${vars.colorBorder};
    border-radius: ${vars.radius};
  }
  .icon {
    display: inline-grid;
    place-items: center;
    flex: none;
    inline-size: 1.5em;
    block-size: 1.5em;
    border-radius: 50%;
    background: ${vars.colorAccent};
    color: ${vars.colorAccentContrast};
    font-size: ${vars.fontSizeS};
  }
  [part~="details"] {
    display: block;
    color: ${vars.colorMuted};
    font-size: ${vars.fontSizeS};
  }
`;
