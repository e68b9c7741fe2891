// Typed JSX for the Gatherkit custom elements (React 19 passes a prop the element has as a property,
// any other as an attribute, and `on<event>` props as listeners of that event).
import type { GkConnectionCheck } from "@gatherkit/widgets/connection-check";
import type { GkTicketCheckout, TicketCheckoutStrings } from "@gatherkit/widgets/ticket-checkout";
import type { DetailedHTMLProps, HTMLAttributes } from "react";

type Listener<K extends keyof GkEventDetailMap> = (event: CustomEvent<GkEventDetailMap[K]>) => void;

/** What every widget takes: where the API is, how to authenticate, which language. */
interface GkProps<E> extends DetailedHTMLProps<HTMLAttributes<E>, E> {
  "api-base"?: string;
  "publishable-key"?: string;
  token?: string;
  locale?: string;
  "ongk-error"?: Listener<"gk-error">;
}

declare module "react" {
  namespace JSX {
    interface IntrinsicElements {
      "gk-connection-check": GkProps<GkConnectionCheck> & { "ongk-connected"?: Listener<"gk-connected"> };
      "gk-ticket-checkout": GkProps<GkTicketCheckout> & {
        event?: string;
        strings?: Partial<TicketCheckoutStrings>;
        "ongk-checkout-started"?: Listener<"gk-checkout-started">;
        "ongk-checkout-complete"?: Listener<"gk-checkout-complete">;
        "ongk-checkout-failed"?: Listener<"gk-checkout-failed">;
      };
    }
  }
}
