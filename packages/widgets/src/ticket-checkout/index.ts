export {
  type CheckoutCompleteDetail,
  type CheckoutFailedDetail,
  type CheckoutStartedDetail,
  GkTicketCheckout,
  TICKET_CHECKOUT_STRINGS,
  type TicketCheckoutStrings,
} from "./ticket-checkout.js";
