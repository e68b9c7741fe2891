import { css } from "lit";
import { vars } from "../base/theme.js";

export const agendaStyles = css`
  .agenda {
    display: grid;
    gap: ${vars.spaceM};
    padding: ${vars.spaceM};
  }
  h2,
  h3,
  h4,
  p {
    margin: 0;
  }
  ul {
    display: grid;
    gap: ${vars.spaceS};
    margin: 0;
    padding: 0;
    list-style: none;
  }
  [part~="session"] {
    display: grid;
    gap: ${vars.spaceXs};
    padding: ${vars.spaceS};
    border: 1px solid ${vars.colorBorder};
    border-radius: ${vars.radius};
  }
  [part~="session-picked"] {
    border-color: ${vars.colorAccent};
  }
  [part~="track"] {
    display: grid;
    gap: ${vars.spaceS};
  }
`;
