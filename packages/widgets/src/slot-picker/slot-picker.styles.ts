import { css } from "lit";
import { vars } from "../base/theme.js";

export const slotPickerStyles = css`
  .picker {
    display: grid;
    gap: ${vars.spaceM};
    padding: ${vars.spaceM};
  }
  .days {
    display: flex;
    align-items: stretch;
    gap: ${vars.spaceXs};
  }
  [part~="days"] {
    display: grid;
    flex: 1;
    grid-template-columns: repeat(7, minmax(0, 1fr));
    gap: ${vars.spaceXs};
  }
  [part~="day"] {
    padding: ${vars.spaceXs};
    background: transparent;
    color: ${vars.colorText};
    border-color: ${vars.colorBorder};
    line-height: 1.3;
  }
  [part~="day-selected"] {
    background: ${vars.colorAccent};
    color: ${vars.colorAccentContrast};
    border-color: ${vars.colorAccent};
  }
  [part~="slots"] {
    display: flex;
    flex-wrap: wrap;
    gap: ${vars.spaceS};
    margin: 0;
    padding: 0;
    list-style: none;
  }
  [part~="slot"] {
    background: transparent;
    color: ${vars.colorAccent};
    border-color: ${vars.colorAccent};
  }
  [part~="slot-selected"] {
    background: ${vars.colorAccent};
    color: ${vars.colorAccentContrast};
  }
  [part~="slots-status"][part~="error"] {
    color: ${vars.colorDanger};
    display: grid;
    gap: ${vars.spaceS};
    justify-items: start;
  }
`;
