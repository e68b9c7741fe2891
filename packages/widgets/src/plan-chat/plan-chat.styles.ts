import { css } from "lit";
import { rem, vars } from "../base/theme.js";

export const planChatStyles = css`
  :host {
    --_gk-chat-height: var(--gk-plan-chat-height, var(--gk-plan-board-chat-height, ${rem(20)}));
  }
  [part~="messages"] {
    max-block-size: var(--_gk-chat-height);
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
    font-size: ${vars.fontSizeS};
  }
  [part~="message"] p {
    overflow-wrap: anywhere;
    white-space: pre-wrap;
  }
  .deleted {
    font-style: italic;
  }
`;
