import { css } from "lit";
import { vars } from "../base/theme.js";

export const planMoneyStyles = css`
  .list {
    display: grid;
    gap: ${vars.spaceXs};
  }
  [part~="transfer"] [part~="form-error"],
  [part~="payment"] [part~="form-error"] {
    margin-block-start: ${vars.spaceXs};
  }
`;
