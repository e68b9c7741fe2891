/** The query parameters Stripe Checkout brings the buyer back with (see `returnUrl` in the API). */
const RETURN_PARAMS = ["gk_order", "gk_payment"];

/** This page's address without the return parameters. */
function withoutReturn(): URL {
  const url = new URL(location.href);
  for (const p of RETURN_PARAMS) url.searchParams.delete(p);
  return url;
}

/** This page without the return parameters: where Stripe Checkout brings the buyer back; none off http(s). */
export function returnUrl(): string | undefined {
  if (location.protocol !== "https:" && location.protocol !== "http:") return undefined;
  const url = withoutReturn();
  url.hash = "";
  return url.href;
}

/**
 * Back from Stripe Checkout's page (`checkout_redirect`, paid in this tab) for `orderId`: how that
 * page said it went (`paid` or `cancelled` — its word, not the order's state), with `gk_order` and
 * `gk_payment` taken off the address. Not that return: `noted`, what the widget knew before.
 */
export function takeReturn(orderId: string, noted: string | undefined): string | undefined {
  const params = new URLSearchParams(location.search);
  if (params.get("gk_order") !== orderId) return noted;
  history.replaceState(history.state, "", withoutReturn().href);
  return params.get("gk_payment") ?? undefined;
}
