export { ActionController, type ActionOptions, type FocusTarget } from "./action-controller.js";
export { gatherkitContext } from "./context.js";
export { defineElement } from "./define.js";
export { ConfigurationError, type DescribedError, describeError } from "./errors.js";
export { emit, type GkErrorDetail, type GkEventMap } from "./events.js";
export { type FormProblem, formProblem, renderFormProblem } from "./form-problem.js";
export {
  GkElement,
  type Loader,
  type RenderTaskOptions,
  type StateMessages,
} from "./gk-element.js";
export { gkElementStyles } from "./gk-element.styles.js";
export { type TokenName, theme, tokenProperty, vars } from "./theme.js";
