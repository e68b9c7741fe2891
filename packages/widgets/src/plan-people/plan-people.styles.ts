import { css } from "lit";
import { vars } from "../base/theme.js";

export const planPeopleStyles = css`
  :host {
    --_gk-online: var(--gk-plan-online-color, var(--gk-plan-board-online-color, ${vars.colorAccent}));
  }
  .participants {
    display: grid;
    gap: ${vars.spaceXs};
  }
  [part~="participant"] {
    display: flex;
    align-items: center;
    flex-wrap: wrap;
    gap: ${vars.spaceXs} ${vars.spaceS};
  }
  .who {
    display: inline-flex;
    align-items: center;
    flex-wrap: wrap;
    gap: ${vars.spaceXs};
    margin-inline-end: auto;
  }
  [part~="participant"] [part~="form-error"] {
    flex-basis: 100%;
  }
  .dot {
    display: inline-block;
    inline-size: 0.6em;
    block-size: 0.6em;
    border-radius: 50%;
    border: 1px solid ${vars.colorMuted};
  }
  .online .dot {
    background: var(--_gk-online);
    border-color: var(--_gk-online);
  }
`;
