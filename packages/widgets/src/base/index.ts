export { gatherkitContext } from "./context.js";
export { defineElement } from "./define.js";
export { ConfigurationError, describeError, type DescribedError } from "./errors.js";
export { emit, type GkErrorDetail, type GkEventMap } from "./events.js";
export {
  GkElement,
  type Loader,
  type RenderTaskOptions,
  type StateMessages,
} from "./gk-element.js";
export { gkElementStyles } from "./gk-element.styles.js";
export { theme, tokenProperty, vars, type TokenName } from "./theme.js";
