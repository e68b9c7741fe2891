import type { Context } from "hono";
import { html } from "hono/html";
import type { PaymentEventHandler } from "../../lib/domain.js";
import { ApiError } from "../../lib/errors.js";
import type { AppBindings, AppRouteHandler } from "../../lib/types.js";
import { LocalProvider } from "./local.js";
import type { WebhookRoute } from "./payments.routes.js";
import { emitLocalEvent, handleWebhook, paymentsProvider } from "./payments.service.js";

/** The local checkout pages' policy: the API's "load nothing", except that their form posts back to the API. */
const LOCAL_PAGE_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

export function paymentsHandlers(handlers: Record<string, PaymentEventHandler>) {
  const webhook: AppRouteHandler<WebhookRoute> = async (c) =>
    c.json(await handleWebhook(c.var.deps, handlers, await c.req.text(), c.req.header("stripe-signature")), 200);

  /** The local provider's checkout page (embedded default only): pay, decline, or a "requires action" step. */
  const localPage = async (c: Context<AppBindings>) => {
    const { provider, intent, token } = await openLocal(c, c.req.query("token"));
    const amount = new Intl.NumberFormat("en", { style: "currency", currency: intent.currency }).format(
      intent.amount /
        10 ** (new Intl.NumberFormat("en", { style: "currency", currency: intent.currency }).resolvedOptions().maximumFractionDigits ?? 2),
    );
    const step = c.req.query("step") === "action";
    void provider;
    c.header("content-security-policy", LOCAL_PAGE_CSP);
    return c.html(html`<!doctype html>
      <html lang="en">
        <head><meta charset="utf-8" /><title>Local test checkout</title></head>
        <body>
          <main>
            <h1>Local test checkout</h1>
            <p>${intent.description}: <strong>${amount}</strong></p>
            <p>No money moves: this page stands in for Stripe in the embedded default.</p>
            <form method="post" action="/v1/payments/local/checkout">
              <input type="hidden" name="token" value="${token}" />
              ${
                step
                  ? html`<p>Your bank asks you to confirm this payment.</p>
                    <button name="outcome" value="pay">Confirm</button> <button name="outcome" value="decline">Fail</button>`
                  : html`<button name="outcome" value="pay">Pay</button> <button name="outcome" value="decline">Decline</button>
                    <button name="outcome" value="action">Pay with 3-D Secure</button>`
              }
            </form>
          </main>
        </body>
      </html>`);
  };

  const localSubmit = async (c: Context<AppBindings>) => {
    const form = await c.req.parseBody();
    const { intent, token } = await openLocal(c, typeof form.token === "string" ? form.token : undefined);
    const outcome = form.outcome;
    if (outcome === "action") {
      await emitLocalEvent(c.var.deps, handlers, "payment_intent.requires_action", intent);
      return c.redirect(`/v1/payments/local/checkout?token=${token}&step=action`, 303);
    }
    if (outcome !== "pay" && outcome !== "decline") throw new ApiError(400, "validation_failed", "outcome must be pay, decline or action.");
    await emitLocalEvent(c.var.deps, handlers, outcome === "pay" ? "payment_intent.succeeded" : "payment_intent.payment_failed", intent);
    c.header("content-security-policy", LOCAL_PAGE_CSP);
    return c.html(html`<!doctype html>
      <html lang="en">
        <head><meta charset="utf-8" /><title>Local test checkout</title></head>
        <body><main><h1>${outcome === "pay" ? "Paid" : "Payment declined"}</h1><p>You can close this page.</p></main></body>
      </html>`);
  };

  /**
   * Where Stripe Checkout (`checkout_session` mode) sends the buyer back. It says nothing about the
   * payment's outcome beyond what the buyer did: the order or booking follows the webhook, and the
   * widget that opened the payment shows it.
   */
  const returnPage = (c: Context<AppBindings>) => {
    const paid = c.req.query("outcome") === "paid";
    c.header("content-security-policy", LOCAL_PAGE_CSP);
    return c.html(html`<!doctype html>
      <html lang="en">
        <head><meta charset="utf-8" /><title>${paid ? "Payment sent" : "Payment not made"}</title></head>
        <body>
          <main>
            <h1>${paid ? "Payment sent" : "Payment not made"}</h1>
            <p>${paid ? "Go back to the page you came from: it shows your confirmation as soon as the payment is confirmed." : "Go back to the page you came from to try again."}</p>
          </main>
        </body>
      </html>`);
  };

  return { webhook, localPage, localSubmit, returnPage };
}

async function openLocal(c: Context<AppBindings>, token: string | undefined) {
  const provider = paymentsProvider(c.var.config);
  if (!(provider instanceof LocalProvider))
    throw new ApiError(404, "not_found", "The local checkout is off: this API takes payments with Stripe.");
  const intent = token ? await provider.open(token) : null;
  if (!intent || !token) throw new ApiError(404, "not_found", "No such checkout.");
  return { provider, intent, token };
}
