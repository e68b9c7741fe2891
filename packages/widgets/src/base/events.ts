declare global {
  /**
   * Detail types of every `gk-*` event, by name. A widget that emits a new event adds it here
   * with `declare global { interface GkEventDetailMap { "gk-vote-cast": VoteCastDetail } }`,
   * which also types `addEventListener("gk-vote-cast", …)` on every element and the document.
   */
  interface GkEventDetailMap {
    "gk-error": GkErrorDetail;
  }
  interface GlobalEventHandlersEventMap extends GkEventMap {}
}

/** `GkEventDetailMap` as the event objects listeners receive. */
export type GkEventMap = { [K in keyof GkEventDetailMap]: CustomEvent<GkEventDetailMap[K]> };

/** Detail of `gk-error`: a widget failed to load or save something. */
export interface GkErrorDetail {
  /** What the widget showed the user. */
  message: string;
  /** The API's stable error code (`"origin_not_allowed"`, …), when the API answered. */
  code: string | undefined;
  /** HTTP status, when the API answered. */
  status: number | undefined;
  /** The API request id to quote to support, when the API answered. */
  requestId: string | undefined;
  /** The error as thrown (an SDK error, or a `ConfigurationError`). */
  error: unknown;
}

/**
 * Dispatches a `gk-*` event that bubbles and crosses shadow roots (`composed`), so a page can
 * listen on the widget, any ancestor or `document`. Returns `false` if a listener called
 * `preventDefault()` on a cancelable event.
 */
export function emit<K extends keyof GkEventDetailMap>(
  target: EventTarget,
  type: K,
  detail: GkEventDetailMap[K],
  options: { cancelable?: boolean } = {},
): boolean {
  return target.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true, cancelable: options.cancelable ?? false }));
}
