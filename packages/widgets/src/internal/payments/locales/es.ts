import type { StripePayStrings } from "../stripe-pay.strings.js";

export default {
  payment: "Pago",
  payLoading: "Cargando el formulario de pago seguro…",
  paying: "Procesando tu pago… Si tu banco te pide confirmarlo, sigue sus pasos.",
  payWaiting: "Pago enviado. Esperando la confirmación…",
  payFailed: (error) => `No se pudo cargar el formulario de pago (${error}). Inténtalo más tarde.`,
  declined: "El pago fue rechazado. Prueba con otra tarjeta u otro método de pago.",
  bankAsks: "Tu banco te pide que confirmes este pago.",
  confirmBank: "Confirmar con tu banco",
  pay: (amount) => `Pagar ${amount}`,
  payAgain: (amount) => `Reintentar: pagar ${amount}`,
} satisfies StripePayStrings;
