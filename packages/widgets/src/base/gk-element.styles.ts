import { css } from "lit";
import { vars } from "./theme.js";

/** Shared styles of every widget: the state views, focus rings and a visually hidden helper. */
export const gkElementStyles = css`
  [part~="body"] {
    box-sizing: border-box;
    font-family: ${vars.fontFamily};
    font-size: ${vars.fontSizeM};
    line-height: 1.5;
    color: ${vars.colorText};
    background: ${vars.colorSurface};
    border-radius: ${vars.radius};
  }
  [part~="body"]:focus {
    outline: none;
  }

  :focus-visible {
    outline: 2px solid ${vars.colorFocus};
    outline-offset: 2px;
  }

  [part~="loading"],
  [part~="empty"],
  [part~="error"] {
    display: flex;
    align-items: center;
    justify-content: center;
    flex-wrap: wrap;
    gap: ${vars.spaceS};
    padding: ${vars.spaceL} ${vars.spaceM};
    text-align: center;
  }
  [part~="empty"] {
    color: ${vars.colorMuted};
  }
  [part~="error"] {
    flex-direction: column;
    color: ${vars.colorDanger};
  }
  [part~="error"] p {
    margin: 0;
  }

  .spinner {
    inline-size: 1.5em;
    block-size: 1.5em;
    border: 0.2em solid ${vars.colorBorder};
    border-block-start-color: ${vars.colorAccent};
    border-radius: 50%;
    animation: gk-spin 0.8s linear infinite;
  }
  @keyframes gk-spin {
    to {
      transform: rotate(1turn);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .spinner {
      animation-duration: 2.4s;
    }
  }

  button {
    font: inherit;
    font-size: ${vars.fontSizeS};
    padding: ${vars.spaceXs} ${vars.spaceM};
    border: 1px solid transparent;
    border-radius: ${vars.radius};
    background: ${vars.colorAccent};
    color: ${vars.colorAccentContrast};
    cursor: pointer;
  }
  button:hover {
    filter: brightness(1.1);
  }

  .visually-hidden {
    position: absolute;
    inline-size: 1px;
    block-size: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
    border: 0;
  }
`;
