import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

/**
 * A stand-in for Stripe, as far as Gatherkit uses it, on loopback: nothing reaches the internet.
 *
 * - The server API the Stripe SDK calls: `POST /v1/payment_intents`, `POST /v1/refunds`,
 *   `POST /v1/checkout/sessions` (`ui_mode` `hosted_page`, the default, or `embedded_page` with its
 *   `client_secret` and `return_url`; the pre-2026-03 names `hosted`/`embedded` are refused, as
 *   Stripe does), `GET /v1/checkout/sessions/:id`, `POST /v1/checkout/sessions/:id/expire` (an open
 *   session only), `GET /v1/checkout/sessions?payment_intent=`.
 * - What Stripe.js calls from the buyer's browser (CORS open, publishable key in the form):
 *   `GET /v1/payment_intents/:id?client_secret=`, `POST /v1/payment_intents/:id/confirm` and
 *   `POST /v1/payment_intents/:id/authenticate` (the 3-D Secure challenge's answer). Test cards:
 *   `4242 4242 4242 4242` pays, `4000 0000 0000 0002` is declined, `4000 0027 6000 3184` requires
 *   authentication (completed or failed in the challenge).
 * - A stand-in Stripe.js at `GET /v3` (`window.Stripe` with `elements()`, `create("payment")`,
 *   `mount`, `confirmPayment`, `handleNextAction`, `createEmbeddedCheckoutPage` (Stripe.js v10's name of
 *   `initEmbeddedCheckout`, which it also answers to)), for browser tests (see
 *   `stripeJs` below).
 * - Stripe Checkout's hosted page for a session's `url` (`GET|POST /pay/:id`: Pay or Decline), and
 *   what embedded Checkout posts from the page (`POST /v1/checkout/sessions/:id/pay` with the
 *   session's client secret and a test card; `createEmbeddedCheckoutPage` in the stand-in Stripe.js).
 * - Webhooks: once `setWebhook(secret, send)` is called, every change of a PaymentIntent or a
 *   session is sent as Stripe sends it (`payment_intent.succeeded`, `…payment_failed`,
 *   `…requires_action`, `checkout.session.completed`, `checkout.session.expired`), signed here with node:crypto in Stripe's
 *   `Stripe-Signature` format (`t=…,v1=HMAC-SHA256(secret, "t.payload")`), not with the API's code.
 *   The event is delivered before the browser's request is answered (no race in tests).
 */
export async function startStripeStandIn() {
  const requests: { path: string; body: URLSearchParams; idempotencyKey: string | undefined; auth: string | undefined }[] = [];
  let failing = false;
  let eventCount = 0;
  let webhook: { secret: string; send: (payload: string, signature: string) => Promise<void> } | undefined;
  /** While set, events wait here instead of being sent (a webhook that is late). */
  let held: string[] | undefined;
  /** PaymentIntents whose refunds answer 500 (a provider failing for some orders only). */
  const failRefundsOf = new Set<string>();
  const intents = new Map<string, Intent>();
  const sessions = new Map<string, Session>();
  const read = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let data = "";
      req.on("data", (c) => (data += c));
      req.on("end", () => resolve(data));
    });

  const emit = async (type: string, object: unknown) => {
    if (!webhook) return;
    eventCount++;
    const payload = JSON.stringify({
      id: `evt_standin_${eventCount}`,
      object: "event",
      type,
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      data: { object },
    });
    if (held) held.push(payload);
    else await webhook.send(payload, signStripe(payload, webhook.secret));
  };
  const intentObject = (pi: Intent) => ({
    id: pi.id,
    object: "payment_intent",
    amount: pi.amount,
    amount_received: pi.status === "succeeded" ? pi.amount : 0,
    currency: pi.currency,
    metadata: pi.metadata,
    status: pi.status,
    client_secret: pi.clientSecret,
    next_action: pi.status === "requires_action" ? { type: "use_stripe_sdk" } : null,
  });
  const sessionObject = (s: Session) => ({
    id: s.id,
    object: "checkout.session",
    mode: "payment",
    amount_total: s.amount,
    currency: s.currency,
    metadata: s.metadata,
    payment_intent: s.paymentIntent,
    payment_status: s.paymentStatus,
    status: s.status,
    ui_mode: s.uiMode,
    client_secret: s.uiMode === "embedded_page" ? s.clientSecret : null,
    url: s.uiMode === "hosted_page" ? `${url}/pay/${s.id}` : null,
    success_url: s.successUrl || null,
    cancel_url: s.cancelUrl || null,
    return_url: s.returnUrl || null,
    redirect_on_completion: s.uiMode === "embedded_page" ? s.redirectOnCompletion : null,
  });
  /** Pays a session (hosted page or embedded form): a PaymentIntent is made and paid, the session completes. */
  const paySession = async (s: Session) => {
    const pi = newIntent(s.amount, s.currency, s.intentMetadata);
    pi.status = "succeeded";
    s.paymentIntent = pi.id;
    s.paymentStatus = "paid";
    s.status = "complete";
    await emit("payment_intent.succeeded", intentObject(pi));
    await emit("checkout.session.completed", sessionObject(s));
  };
  const invalid = (message: string, param?: string) => ({ error: { type: "invalid_request_error", message, ...(param ? { param } : {}) } });
  const newIntent = (amount: number, currency: string, metadata: Record<string, string>) => {
    const id = `pi_standin_${requests.length}_${intents.size + 1}`;
    const pi: Intent = { id, amount, currency, metadata, status: "requires_payment_method", clientSecret: `${id}_secret_standin` };
    intents.set(id, pi);
    return pi;
  };

  /** What Stripe.js asks from the browser: the intent named by its client secret, with the publishable key. */
  const browserIntent = (id: string, form: URLSearchParams) => {
    const pi = intents.get(id);
    if (!pi || form.get("client_secret") !== pi.clientSecret || !form.get("key")?.startsWith("pk_")) return undefined;
    return pi;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, raw: string) => {
    const path = (req.url ?? "").split("?")[0] ?? "";
    const query = new URLSearchParams((req.url ?? "").split("?")[1] ?? "");
    const body = new URLSearchParams(raw);
    requests.push({ path, body, idempotencyKey: req.headers["idempotency-key"] as string | undefined, auth: req.headers.authorization });
    const send = (status: number, json: unknown) => {
      res.writeHead(status, {
        "content-type": "application/json",
        "request-id": `req_${requests.length}`,
        "access-control-allow-origin": "*",
      });
      res.end(JSON.stringify(json));
    };
    const notFound = () => send(404, { error: { type: "invalid_request_error", message: `no stand-in for ${req.method} ${path}` } });
    if (req.method === "OPTIONS") {
      res.writeHead(204, {
        "access-control-allow-origin": "*",
        "access-control-allow-headers": "content-type",
        "access-control-allow-methods": "GET, POST",
      });
      return res.end();
    }
    if (req.method === "GET" && path === "/v3") {
      res.writeHead(200, { "content-type": "text/javascript; charset=utf-8", "access-control-allow-origin": "*" });
      return res.end(STRIPE_JS);
    }
    if (path.startsWith("/pay/")) return hostedCheckout(req, res, path.slice(5), body);
    if (failing) return send(500, { error: { type: "api_error", message: "stand-in is down" } });

    if (req.method === "POST" && path === "/v1/payment_intents") {
      const pi = newIntent(Number(body.get("amount")), body.get("currency") ?? "", bracketed(body, "metadata"));
      return send(200, intentObject(pi));
    }
    const browser = /^\/v1\/payment_intents\/([A-Za-z0-9_]+)(\/confirm|\/authenticate)?$/.exec(path);
    if (browser?.[1]) {
      const pi = browserIntent(browser[1], req.method === "GET" ? query : body);
      if (!pi) return notFound();
      if (req.method === "GET" && !browser[2]) return send(200, intentObject(pi));
      if (req.method !== "POST") return notFound();
      if (browser[2] === "/confirm") {
        if (pi.status === "succeeded")
          return send(400, {
            error: {
              type: "invalid_request_error",
              code: "payment_intent_unexpected_state",
              message: "This PaymentIntent has already succeeded.",
            },
          });
        const card = (body.get("payment_method_data[card][number]") ?? "").replace(/\s+/g, "");
        if (card === "4000000000000002") {
          pi.status = "requires_payment_method";
          await emit("payment_intent.payment_failed", intentObject(pi));
          return send(402, {
            error: { type: "card_error", code: "card_declined", decline_code: "generic_decline", message: "Your card was declined." },
          });
        }
        if (card === "4000002760003184") {
          pi.status = "requires_action";
          await emit("payment_intent.requires_action", intentObject(pi));
          return send(200, intentObject(pi));
        }
        if (card === "4242424242424242") {
          pi.status = "succeeded";
          await emit("payment_intent.succeeded", intentObject(pi));
          return send(200, intentObject(pi));
        }
        return send(402, { error: { type: "card_error", code: "incorrect_number", message: "Your card number is incorrect." } });
      }
      if (pi.status !== "requires_action") return notFound();
      if (body.get("outcome") === "complete") {
        pi.status = "succeeded";
        await emit("payment_intent.succeeded", intentObject(pi));
        return send(200, intentObject(pi));
      }
      pi.status = "requires_payment_method";
      await emit("payment_intent.payment_failed", intentObject(pi));
      return send(402, {
        error: {
          type: "card_error",
          code: "payment_intent_authentication_failure",
          message: "We are unable to authenticate your payment method. Please choose a different payment method and try again.",
        },
      });
    }

    if (req.method === "POST" && path === "/v1/checkout/sessions") {
      const id = `cs_test_standin_${requests.length}`;
      const uiMode = body.get("ui_mode") ?? "hosted_page";
      if (uiMode !== "hosted_page" && uiMode !== "embedded_page") return send(400, invalid(`Invalid ui_mode: ${uiMode}`, "ui_mode"));
      if (uiMode === "embedded_page" && (body.has("success_url") || body.has("cancel_url")))
        return send(400, invalid("success_url and cancel_url cannot be used with ui_mode embedded_page.", "success_url"));
      if (uiMode === "embedded_page" && body.get("redirect_on_completion") !== "never" && !body.get("return_url"))
        return send(400, invalid("return_url is required with ui_mode embedded_page.", "return_url"));
      if (uiMode === "hosted_page" && body.has("return_url"))
        return send(400, invalid("return_url is only for embedded sessions.", "return_url"));
      const s: Session = {
        uiMode,
        clientSecret: `${id}_secret_standin`,
        returnUrl: body.get("return_url") ?? "",
        redirectOnCompletion: body.get("redirect_on_completion") ?? "always",
        status: "open",
        id,
        amount: Number(body.get("line_items[0][price_data][unit_amount]")) * Number(body.get("line_items[0][quantity]") ?? 1),
        currency: body.get("line_items[0][price_data][currency]") ?? "",
        metadata: bracketed(body, "metadata"),
        intentMetadata: bracketed(body, "payment_intent_data[metadata]"),
        successUrl: body.get("success_url") ?? "",
        cancelUrl: body.get("cancel_url") ?? "",
        paymentIntent: null,
        paymentStatus: "unpaid",
      };
      sessions.set(id, s);
      return send(200, sessionObject(s));
    }
    if (req.method === "GET" && path === "/v1/checkout/sessions") {
      const pi = query.get("payment_intent");
      const data = [...sessions.values()].filter((s) => s.paymentIntent === pi).map(sessionObject);
      return send(200, { object: "list", data, has_more: false, url: "/v1/checkout/sessions" });
    }
    const session = /^\/v1\/checkout\/sessions\/([A-Za-z0-9_]+)(\/expire|\/pay)?$/.exec(path);
    if (session?.[1]) {
      const s = sessions.get(session[1]);
      if (!s) return notFound();
      if (req.method === "GET" && !session[2]) return send(200, sessionObject(s));
      if (req.method === "POST" && session[2] === "/expire") {
        if (s.status !== "open")
          return send(
            400,
            invalid(`Only Checkout Sessions with a status in ["open"] can be expired. This session has a status of "${s.status}".`),
          );
        s.status = "expired";
        await emit("checkout.session.expired", sessionObject(s));
        return send(200, sessionObject(s));
      }
      // Embedded Checkout, from the buyer's page: the session's client secret and a test card.
      if (req.method === "POST" && session[2] === "/pay") {
        if (s.uiMode !== "embedded_page" || body.get("client_secret") !== s.clientSecret || !body.get("key")?.startsWith("pk_"))
          return notFound();
        if (s.status !== "open") return send(400, invalid(`This Checkout Session is ${s.status}.`));
        const card = (body.get("card") ?? "").replace(/\s+/g, "");
        if (card !== "4242424242424242")
          return send(402, { error: { type: "card_error", code: "card_declined", message: "Your card was declined." } });
        await paySession(s);
        return send(200, sessionObject(s));
      }
      return notFound();
    }

    if (req.method === "POST" && path === "/v1/refunds" && failRefundsOf.has(body.get("payment_intent") ?? "")) {
      return send(500, { error: { type: "api_error", message: "stand-in refuses this refund" } });
    }
    if (req.method === "POST" && path === "/v1/refunds") {
      return send(200, {
        id: `re_standin_${requests.length}`,
        object: "refund",
        amount: body.has("amount") ? Number(body.get("amount")) : null,
        payment_intent: body.get("payment_intent"),
        status: "succeeded",
      });
    }
    notFound();
  };

  /** Stripe Checkout's page: Pay (a PaymentIntent is made and paid, the session completes) or Decline (back to cancel_url). */
  const hostedCheckout = async (req: IncomingMessage, res: ServerResponse, id: string, form: URLSearchParams) => {
    const s = sessions.get(id);
    if (s?.uiMode !== "hosted_page") {
      res.writeHead(404, { "content-type": "text/plain" });
      return res.end("No such Checkout Session.");
    }
    if (s.status === "expired") {
      res.writeHead(410, { "content-type": "text/plain" });
      return res.end("This Checkout Session has expired.");
    }
    if (req.method === "POST") {
      if (form.get("outcome") === "pay" && s.status === "open") await paySession(s);
      res.writeHead(303, { location: s.paymentStatus === "paid" ? s.successUrl : s.cancelUrl });
      return res.end();
    }
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Stand-in Stripe Checkout</title></head>
<body><main><h1>Stand-in Stripe Checkout</h1><p>${(s.amount / 100).toFixed(2)} ${s.currency.toUpperCase()}</p>
<form method="post"><button name="outcome" value="pay">Pay</button> <button name="outcome" value="decline">Decline</button></form></main></body></html>`);
  };

  const server: Server = createServer(async (req, res) => {
    try {
      await handle(req, res, await read(req));
    } catch (err) {
      res.writeHead(500, { "content-type": "application/json", "access-control-allow-origin": "*" });
      res.end(JSON.stringify({ error: { type: "api_error", message: String(err) } }));
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    /** Where a page loads the stand-in Stripe.js from (the widgets' `stripe-js-url`). */
    stripeJs: `${url}/v3`,
    requests,
    failRefundsOf,
    intents,
    sessions,
    setFailing: (v: boolean) => {
      failing = v;
    },
    /** Sends each event, signed with `secret`, through `send` (e.g. a POST to the API's webhook). */
    setWebhook: (secret: string, send: (payload: string, signature: string) => Promise<void>) => {
      webhook = { secret, send };
    },
    /** Holds events back (true), or sends what was held, in order, and stops holding (false). */
    holdWebhooks: async (hold: boolean) => {
      if (hold) {
        held ??= [];
        return;
      }
      const queued = held ?? [];
      held = undefined;
      for (const payload of queued) if (webhook) await webhook.send(payload, signStripe(payload, webhook.secret));
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

interface Intent {
  id: string;
  amount: number;
  currency: string;
  metadata: Record<string, string>;
  status: "requires_payment_method" | "requires_action" | "succeeded";
  clientSecret: string;
}
interface Session {
  id: string;
  uiMode: "hosted_page" | "embedded_page";
  clientSecret: string;
  returnUrl: string;
  redirectOnCompletion: string;
  status: "open" | "complete" | "expired";
  amount: number;
  currency: string;
  metadata: Record<string, string>;
  intentMetadata: Record<string, string>;
  successUrl: string;
  cancelUrl: string;
  paymentIntent: string | null;
  paymentStatus: "unpaid" | "paid";
}

/** `prefix[key]=value` form fields as an object (Stripe's metadata encoding). */
function bracketed(body: URLSearchParams, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of body) {
    if (k.startsWith(`${prefix}[`) && k.endsWith("]")) out[k.slice(prefix.length + 1, -1)] = v;
  }
  return out;
}

/** A `Stripe-Signature` header as Stripe makes it (scheme v1), with node:crypto. */
export function signStripe(payload: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): string {
  return `t=${timestamp},v1=${createHmac("sha256", secret).update(`${timestamp}.${payload}`).digest("hex")}`;
}

/**
 * The stand-in Stripe.js: just enough of Stripe's browser API for the widgets' Payment Element.
 * Its "Payment Element" is a card number field in the page (Stripe's is an iframe); its 3-D Secure
 * challenge a modal dialog appended to the body (like Stripe's), answered by keyboard or mouse.
 */
const STRIPE_JS = `(() => {
  const base = new URL(document.currentScript.src).origin;
  const post = async (path, form) => {
    const res = await fetch(base + path, { method: "POST", body: new URLSearchParams(form) });
    return { ok: res.ok, json: await res.json() };
  };
  const idOf = (secret) => secret.split("_secret_")[0];
  function challenge() {
    return new Promise((resolve) => {
      const dialog = document.createElement("div");
      dialog.setAttribute("role", "dialog");
      dialog.setAttribute("aria-modal", "true");
      dialog.setAttribute("aria-labelledby", "standin-3ds-title");
      dialog.id = "standin-3ds";
      dialog.style.cssText = "position:fixed;inset:20% 10%;background:#fff;color:#000;border:2px solid #000;padding:1rem;z-index:2147483647";
      dialog.innerHTML = '<h2 id="standin-3ds-title">Test 3-D Secure</h2><p>Your bank asks you to confirm this payment.</p>'
        + '<button type="button" data-outcome="complete">Complete authentication</button> '
        + '<button type="button" data-outcome="fail">Fail authentication</button>';
      const before = document.activeElement;
      dialog.addEventListener("click", (e) => {
        const outcome = e.target instanceof HTMLElement ? e.target.dataset.outcome : undefined;
        if (!outcome) return;
        dialog.remove();
        if (before && before.focus) before.focus();
        resolve(outcome);
      });
      document.body.append(dialog);
      dialog.querySelector("button").focus();
    });
  }
  function Stripe(key, options) {
    if (typeof key !== "string" || !key.startsWith("pk_")) throw new Error("Stand-in Stripe.js needs a publishable key.");
    const account = options && options.stripeAccount;
    const form = (extra) => ({ key, ...(account ? { stripe_account: account } : {}), ...extra });
    const authenticate = async (pi) => {
      const outcome = await challenge();
      const r = await post("/v1/payment_intents/" + pi.id + "/authenticate", form({ client_secret: pi.client_secret, outcome }));
      return r.ok ? { paymentIntent: r.json } : { error: r.json.error };
    };
    return {
      elements({ clientSecret, locale }) {
        let input;
        const elements = {
          _clientSecret: clientSecret,
          create(type) {
            if (type !== "payment") throw new Error("Stand-in Stripe.js has only the payment element.");
            const handlers = {};
            const element = {
              mount(target) {
                const el = typeof target === "string" ? document.querySelector(target) : target;
                const wrap = document.createElement("div");
                wrap.className = "standin-payment-element";
                wrap.dataset.locale = locale || "";
                const label = document.createElement("label");
                label.textContent = "Card number ";
                input = document.createElement("input");
                input.name = "cardnumber";
                input.autocomplete = "cc-number";
                input.inputMode = "numeric";
                label.append(input);
                wrap.append(label);
                el.append(wrap);
                element._wrap = wrap;
                setTimeout(() => (handlers.ready || []).forEach((h) => h({ elementType: "payment" })), 0);
              },
              on(name, handler) {
                (handlers[name] = handlers[name] || []).push(handler);
                return element;
              },
              focus() {
                if (input) input.focus();
              },
              unmount() {
                if (element._wrap) element._wrap.remove();
              },
              destroy() {
                element.unmount();
              },
            };
            return element;
          },
          getElement() {
            return null;
          },
          async submit() {
            if (!input || !input.value.trim()) return { error: { type: "validation_error", code: "incomplete_number", message: "Your card number is incomplete." } };
            return {};
          },
          _card() {
            return input ? input.value : "";
          },
        };
        return elements;
      },
      async confirmPayment({ elements, redirect }) {
        const checked = await elements.submit();
        if (checked.error) return checked;
        const secret = elements._clientSecret;
        const r = await post("/v1/payment_intents/" + idOf(secret) + "/confirm", form({ client_secret: secret, "payment_method_data[card][number]": elements._card() }));
        if (!r.ok) return { error: r.json.error };
        if (r.json.status === "requires_action" && redirect === "if_required") return authenticate(r.json);
        return { paymentIntent: r.json };
      },
      initEmbeddedCheckout(options) {
        return this.createEmbeddedCheckoutPage(options);
      },
      async createEmbeddedCheckoutPage({ clientSecret, fetchClientSecret, onComplete }) {
        const secret = clientSecret || (await fetchClientSecret());
        const id = secret.split("_secret_")[0];
        let wrap;
        return {
          mount(target) {
            const el = typeof target === "string" ? document.querySelector(target) : target;
            wrap = document.createElement("div");
            wrap.className = "standin-embedded-checkout";
            wrap.innerHTML = '<p>Stand-in Stripe Checkout</p><label>Card number <input name="cardnumber" autocomplete="cc-number" inputmode="numeric"></label> '
              + '<button type="button">Pay</button><p role="alert" class="standin-error"></p>';
            const input = wrap.querySelector("input");
            const error = wrap.querySelector(".standin-error");
            wrap.querySelector("button").addEventListener("click", async () => {
              error.textContent = "";
              const r = await post("/v1/checkout/sessions/" + id + "/pay", form({ client_secret: secret, card: input.value }));
              if (!r.ok) {
                error.textContent = r.json.error.message;
                return;
              }
              if (onComplete) onComplete();
            });
            el.append(wrap);
          },
          unmount() {
            if (wrap) wrap.remove();
          },
          destroy() {
            if (wrap) wrap.remove();
          },
        };
      },
      async handleNextAction({ clientSecret }) {
        const r = await fetch(base + "/v1/payment_intents/" + idOf(clientSecret) + "?" + new URLSearchParams(form({ client_secret: clientSecret })));
        const pi = await r.json();
        if (!r.ok) return { error: pi.error };
        return pi.status === "requires_action" ? authenticate(pi) : { paymentIntent: pi };
      },
    };
  }
  Stripe.version = "endive";
  window.Stripe = Stripe;
})();
`;
