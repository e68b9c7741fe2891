import { css } from "lit";
import { rem, vars } from "../base/theme.js";

export const parkingMapStyles = css`
  :host {
    --_gk-pin: var(--gk-parking-map-pin, ${vars.colorAccent});
  }
  [part~="frame"] {
    display: grid;
    gap: ${vars.spaceM};
    padding: ${vars.spaceM};
    font-family: ${vars.fontFamily};
    font-size: ${vars.fontSizeM};
    line-height: 1.5;
    color: ${vars.colorText};
    background: ${vars.colorSurface};
    border-radius: ${vars.radius};
  }
  [part~="window"] {
    display: flex;
    flex-wrap: wrap;
    align-items: end;
    gap: ${vars.spaceS};
  }
  [part~="window"] [part~="field"] {
    flex: 1 1 ${rem(12)};
  }
  [part~="filters"] {
    flex: 1 1 100%;
  }
  [part~="filters-toggle"] {
    cursor: pointer;
    font-weight: 600;
  }
  .filters {
    display: flex;
    flex-wrap: wrap;
    align-items: end;
    gap: ${vars.spaceS} ${vars.spaceM};
    padding-block-start: ${vars.spaceS};
  }
  .filters > [part~="field"]:not([part~="check"]),
  .max-price {
    flex: 1 1 ${rem(10)};
  }
  [part~="check"] input {
    inline-size: auto;
  }
  [part~="check"] {
    display: flex;
    align-items: center;
    gap: ${vars.spaceXs};
  }
  [part~="feature-filter"] {
    flex: 1 1 100%;
    display: flex;
    flex-wrap: wrap;
    gap: ${vars.spaceXs} ${vars.spaceM};
    margin: 0;
    border: 1px solid ${vars.colorBorder};
    border-radius: ${vars.radius};
  }
  [part~="details-toggle"] {
    cursor: pointer;
    font-size: ${vars.fontSizeS};
  }
  [part~="photo"] {
    inline-size: ${rem(8)};
    max-inline-size: 100%;
    block-size: auto;
    aspect-ratio: 4 / 3;
    object-fit: cover;
    border-radius: ${vars.radius};
    margin: ${vars.spaceXs} ${vars.spaceXs} 0 0;
  }
  [part~="reviews"] {
    margin: ${vars.spaceXs} 0 0;
    padding: 0;
    list-style: none;
    display: grid;
    gap: ${vars.spaceS};
  }
  .layout {
    display: grid;
    gap: ${vars.spaceM};
    grid-template-columns: repeat(auto-fit, minmax(${rem(18)}, 1fr));
    align-items: start;
  }
  [part~="map"] {
    block-size: var(--gk-parking-map-height, ${rem(20)});
    border: 1px solid ${vars.colorBorder};
    border-radius: ${vars.radius};
    background-color: ${vars.colorSurface};
    background-image:
      linear-gradient(${vars.colorBorder} 1px, transparent 1px),
      linear-gradient(90deg, ${vars.colorBorder} 1px, transparent 1px);
    background-size: ${rem(2)} ${rem(2)};
    z-index: 0;
  }
  [part~="map-notice"] {
    margin-block-start: ${vars.spaceXs};
  }
  .gk-pin-label {
    position: absolute;
    transform: translate(-50%, calc(-100% - 6px));
    padding: 2px 6px;
    white-space: nowrap;
    border-radius: 999px;
    font: 600 12px/1.4 ${vars.fontFamily};
    background: var(--_gk-pin);
    color: ${vars.colorAccentContrast};
    box-shadow: 0 1px 3px rgb(0 0 0 / 0.4);
  }
  .gk-pin-label::after {
    content: "";
    position: absolute;
    inset-inline-start: 50%;
    inset-block-end: -5px;
    translate: -50% 0;
    border: 5px solid transparent;
    border-block-end: 0;
    border-block-start-color: var(--_gk-pin);
  }
  .gk-pin-full .gk-pin-label {
    --_gk-pin: ${vars.colorMuted};
    color: ${vars.colorSurface};
  }
  .gk-pin-selected .gk-pin-label {
    outline: 2px solid ${vars.colorText};
  }
  [part~="list"] {
    display: grid;
    gap: ${vars.spaceS};
    margin: ${vars.spaceS} 0 0;
    padding: 0;
    list-style: none;
    max-block-size: var(--gk-parking-map-height, ${rem(20)});
    overflow: auto;
  }
  [part~="place"] {
    display: grid;
    gap: ${vars.spaceXs};
    padding: ${vars.spaceS} ${vars.spaceM};
    border: 1px solid ${vars.colorBorder};
    border-radius: ${vars.radius};
  }
  [part~="place-selected"] {
    border-color: ${vars.colorAccent};
  }
  [part~="description"] {
    display: -webkit-box;
    -webkit-box-orient: vertical;
    -webkit-line-clamp: 3;
    overflow: hidden;
  }
  [part~="free"] {
    font-weight: 600;
  }
  [part~="full"] {
    color: ${vars.colorDanger};
  }
  [part~="book-button"] {
    justify-self: start;
  }
`;
