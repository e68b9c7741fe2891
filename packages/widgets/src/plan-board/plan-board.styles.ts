import { css } from "lit";
import { vars } from "../base/theme.js";

export const planBoardStyles = css`
  :host {
    --_gk-vote-bar: var(--gk-vote-bar-color, ${vars.colorAccent});
    --_gk-board-gap: var(--gk-plan-board-gap, ${vars.spaceL});
    --_gk-board-card: var(--gk-plan-board-card-background, ${vars.colorSurface});
    --_gk-board-online: var(--gk-plan-board-online-color, ${vars.colorAccent});
    --_gk-board-chat-height: var(--gk-plan-board-chat-height, 20rem);
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
  [part~="facts"],
  .muted {
    color: ${vars.colorMuted};
  }
  [part~="facts"],
  .muted,
  [part~="proposal-meta"],
  [part~="message-time"] {
    font-size: ${vars.fontSizeS};
  }
  [part~="organizer-controls"] {
    display: grid;
    gap: ${vars.spaceS};
    margin-block-start: ${vars.spaceS};
  }
  .actions,
  [part~="proposal-actions"] {
    display: flex;
    flex-wrap: wrap;
    gap: ${vars.spaceS};
  }
  [part~="organizer-controls"] button,
  [part~="proposal-actions"] button {
    justify-self: start;
  }

  [part~="section"] {
    display: grid;
    gap: ${vars.spaceS};
    align-content: start;
  }
  [part~="section-title"] {
    padding-block-end: ${vars.spaceXs};
    border-block-end: 1px solid ${vars.colorBorder};
  }
  h4 {
    font-size: ${vars.fontSizeM};
  }
  ul,
  ol {
    margin: 0;
    padding: 0;
    list-style: none;
  }
  [part~="itinerary"] {
    display: grid;
    gap: ${vars.spaceXs};
    list-style: decimal inside;
  }
  [part~="itinerary"] .muted {
    display: block;
  }

  [part~="proposals"] {
    display: grid;
    gap: ${vars.spaceM};
  }
  [part~="proposal"] {
    display: grid;
    gap: ${vars.spaceXs};
    padding: ${vars.spaceM};
    background: var(--_gk-board-card);
    border: 1px solid ${vars.colorBorder};
    border-radius: ${vars.radius};
  }
  [part~="proposal-meta"] {
    color: ${vars.colorMuted};
  }
  [part~="proposal-error"],
  [part~="places-error"] {
    margin-block-start: ${vars.spaceXs};
  }
  [part~="places"] {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: ${vars.spaceS};
    margin-block-start: ${vars.spaceS};
  }
  [part~="places-count"] {
    margin: 0;
  }
  [part~="places-error"] {
    flex-basis: 100%;
  }

  [part~="propose"] {
    border: 1px dashed ${vars.colorBorder};
    border-radius: ${vars.radius};
    padding: ${vars.spaceS} ${vars.spaceM};
  }
  [part~="propose-summary"] {
    cursor: pointer;
    font-weight: 600;
    color: ${vars.colorAccent};
  }
  [part~="propose-form"] {
    margin-block-start: ${vars.spaceS};
  }
  .row {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr));
    gap: ${vars.spaceS};
  }
  .row.tight {
    grid-template-columns: 1fr auto;
  }
  select {
    font: inherit;
    padding: ${vars.spaceXs} ${vars.spaceS};
    color: ${vars.colorText};
    background: ${vars.colorSurface};
    border: 1px solid ${vars.colorBorder};
    border-radius: ${vars.radius};
  }
  [part~="form-status"]:empty {
    display: none;
  }
  [part~="form-status"] {
    font-size: ${vars.fontSizeS};
  }

  [part~="participants"] {
    display: grid;
    gap: ${vars.spaceXs};
  }
  [part~="participant"] {
    display: flex;
    align-items: center;
    flex-wrap: wrap;
    gap: ${vars.spaceXs};
  }
  .dot {
    display: inline-block;
    inline-size: 0.6em;
    block-size: 0.6em;
    border-radius: 50%;
    border: 1px solid ${vars.colorMuted};
  }
  .online .dot {
    background: var(--_gk-board-online);
    border-color: var(--_gk-board-online);
  }

  [part~="transfers"],
  [part~="balances"] {
    display: grid;
    gap: ${vars.spaceXs};
  }

  [part~="messages"] {
    max-block-size: var(--_gk-board-chat-height);
    overflow-y: auto;
    padding: ${vars.spaceS};
    border: 1px solid ${vars.colorBorder};
    border-radius: ${vars.radius};
  }
  [part~="messages"] ol {
    display: grid;
    gap: ${vars.spaceS};
  }
  [part~="message-author"] {
    font-weight: 600;
  }
  [part~="message-time"] {
    margin-inline-start: ${vars.spaceXs};
    color: ${vars.colorMuted};
  }
  [part~="message"] p {
    overflow-wrap: anywhere;
    white-space: pre-wrap;
  }
  .deleted {
    font-style: italic;
  }
`;
