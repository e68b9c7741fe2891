import { css } from "lit";
import { rem, vars } from "../base/theme.js";

export const planProposalsStyles = css`
  :host {
    --_gk-vote-bar: var(--gk-vote-bar-color, ${vars.colorAccent});
    --_gk-card: var(--gk-plan-card-background, var(--gk-plan-board-card-background, ${vars.colorSurface}));
  }

  .organizer-controls {
    display: grid;
    gap: ${vars.spaceS};
  }
  .organizer-controls button {
    justify-self: start;
  }

  .proposals {
    display: grid;
    gap: ${vars.spaceM};
  }
  [part~="proposal"] {
    display: grid;
    gap: ${vars.spaceXs};
    padding: ${vars.spaceM};
    background: var(--_gk-card);
    border: 1px solid ${vars.colorBorder};
    border-radius: ${vars.radius};
  }
  [part~="proposal-images"] {
    display: flex;
    gap: ${vars.spaceXs};
    overflow-x: auto;
  }
  [part~="proposal-image"] {
    flex: none;
    inline-size: ${rem(10)};
    block-size: auto;
    aspect-ratio: 4 / 3;
    object-fit: cover;
    border-radius: ${vars.radius};
    background: ${vars.colorBorder};
  }
  .proposal-meta {
    color: ${vars.colorMuted};
    font-size: ${vars.fontSizeS};
  }
  .places {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: ${vars.spaceS};
    margin-block-start: ${vars.spaceS};
  }
  .places-error {
    flex-basis: 100%;
  }
  .places-error:empty {
    display: none;
  }

  [part~="itinerary"] {
    display: grid;
    gap: ${vars.spaceXs};
    list-style: decimal inside;
  }
  [part~="itinerary"] .muted {
    display: block;
  }

  .propose {
    border: 1px dashed ${vars.colorBorder};
    border-radius: ${vars.radius};
    padding: ${vars.spaceS} ${vars.spaceM};
  }
  .propose summary {
    cursor: pointer;
    font-weight: 600;
    color: ${vars.colorAccent};
  }
  .propose form {
    margin-block-start: ${vars.spaceS};
  }
`;
