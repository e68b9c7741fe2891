import { plural } from "../../../base/i18n.js";
import type { StripePayStrings } from "../../payments/stripe-pay.strings.js";
import type { PlacesStrings } from "../places.strings.js";

export default {
  bookTitle: (place) => `Reservar ${place}`,
  name: "Nombre",
  email: "Correo electrónico",
  phone: "Teléfono",
  phoneHint: "Con el prefijo del país, p. ej. +34 para España.",
  plate: "Matrícula",
  book: "Reservar",
  booking: "Reservando…",
  cancel: "Cancelar",
  booked: (place) => `Reservado: ${place}`,
  when: "Cuándo",
  price: "Precio",
  reference: "Referencia",
  done: "Listo",
  payTitle: (place) => `Paga para confirmar: ${place}`,
  heldUntil: (time) => `Tu plaza está reservada hasta las ${time}.`,
  held: "Tu plaza está reservada mientras pagas.",
  referenceIs: (id) => `Referencia ${id}.`,
  newTab: " (se abre en una pestaña nueva)",
  payHere: "Completa el pago en esta página.",
  checking: "Comprobando…",
  paid: "Ya he pagado",
  notArrived: "El pago aún no ha llegado: paga en la página de pago y vuelve a intentarlo.",
  holdEnded: "La reserva expiró antes de que llegara el pago: vuelve a reservar.",
  free: (n) => (n > 0 ? `${n} ${plural("es", n, { one: "libre", other: "libres" })}` : "Completo"),
  full: "Completo",
  reviews: (n) => `${n} ${plural("es", n, { one: "reseña", other: "reseñas" })}`,
} satisfies Omit<PlacesStrings, keyof StripePayStrings>;
