export { ActionController, type ActionOptions, type FocusTarget } from "./action-controller.js";
export { BASE_STRINGS, type BaseStrings } from "./base.strings.js";
export { type Context, ContextConsumer, ContextProvider, gatherkitContext } from "./context.js";
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
export { isRtl, type LocaleLoaders, pickTable, plural, resolveLocale, Strings, type StringTable } from "./i18n.js";
export { imageSrcset, lazyImage } from "./image.js";
export { initialState, Task, type TaskConfig, TaskStatus } from "./task.js";
export { type TokenName, theme, tokenProperty, vars } from "./theme.js";
