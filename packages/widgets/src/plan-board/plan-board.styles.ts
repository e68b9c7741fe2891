import { css } from "lit";
import { vars } from "../base/theme.js";

export const planBoardStyles = css`
  :host {
    --_gk-board-gap: var(--gk-plan-board-gap, ${vars.spaceL});
  }

  [part~="board"] {
    container-type: inline-size;
    display: grid;
    gap: var(--_gk-board-gap);
    padding: ${vars.spaceM};
  }
  .main,
  .side {
    display: grid;
    gap: var(--_gk-board-gap);
    align-content: start;
    min-inline-size: 0;
  }
  @container (min-inline-size: 48rem) {
    [part~="board"] {
      grid-template-columns: minmax(0, 3fr) minmax(0, 2fr);
    }
    [part~="header"] {
      grid-column: 1 / -1;
    }
  }

  [part~="header"] {
    display: grid;
    gap: ${vars.spaceXs};
  }
  [part~="facts"] {
    color: ${vars.colorMuted};
    font-size: ${vars.fontSizeS};
  }
`;
