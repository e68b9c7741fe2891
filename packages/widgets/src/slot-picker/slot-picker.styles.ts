import { css } from "lit";
import { rem, vars } from "../base/theme.js";

export const slotPickerStyles = css`
  .picker {
    display: grid;
    gap: ${vars.spaceM};
    padding: ${vars.spaceM};
  }
  .week {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: ${vars.spaceS};
  }
  [part~="week"] {
    margin: 0;
    font-size: ${rem(1)};
  }
  .grid-box {
    overflow-x: auto;
  }
  [part~="grid"] {
    width: 100%;
    border-collapse: separate;
    border-spacing: ${vars.spaceXs};
    text-align: center;
  }
  [part~="day-header"],
  [part~="time-header"] {
    font-weight: 600;
    line-height: 1.3;
  }
  [part~="time-header"] {
    text-align: end;
    font-variant-numeric: tabular-nums;
  }
  [part~="cell"] {
    min-width: ${rem(3)};
    padding: ${vars.spaceXs};
    border: 1px solid ${vars.colorBorder};
    border-radius: ${vars.radius};
    color: ${vars.colorMuted};
  }
  [part~="slot"] {
    cursor: pointer;
    color: ${vars.colorAccent};
    border-color: ${vars.colorAccent};
  }
  [part~="slot-selected"] {
    background: ${vars.colorAccent};
    color: ${vars.colorAccentContrast};
  }
  [part~="cell"]:focus-visible {
    outline: 2px solid ${vars.colorFocus};
    outline-offset: 2px;
  }
  [part~="slots-status"][part~="error"] {
    color: ${vars.colorDanger};
    display: grid;
    gap: ${vars.spaceS};
    justify-items: start;
  }
`;
