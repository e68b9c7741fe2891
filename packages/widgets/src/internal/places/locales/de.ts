import { plural } from "../../../base/i18n.js";
import type { StripePayStrings } from "../../payments/stripe-pay.strings.js";
import type { PlacesStrings } from "../places.strings.js";

export default {
  bookTitle: (place) => `${place} buchen`,
  name: "Name",
  email: "E-Mail",
  phone: "Telefon",
  phoneHint: "Mit Ländervorwahl, z. B. +49 für Deutschland.",
  plate: "Kennzeichen",
  book: "Buchen",
  booking: "Wird gebucht…",
  cancel: "Abbrechen",
  booked: (place) => `Gebucht: ${place}`,
  when: "Wann",
  price: "Preis",
  reference: "Buchungsnummer",
  done: "Fertig",
  payTitle: (place) => `Zum Bestätigen bezahlen: ${place}`,
  heldUntil: (time) => `Ihr Platz ist bis ${time} Uhr reserviert.`,
  held: "Ihr Platz ist reserviert, während Sie bezahlen.",
  referenceIs: (id) => `Buchungsnummer ${id}.`,
  newTab: " (öffnet in einem neuen Tab)",
  payHere: "Schließen Sie die Zahlung auf dieser Seite ab.",
  checking: "Wird geprüft…",
  paid: "Ich habe bezahlt",
  notArrived: "Die Zahlung ist noch nicht eingegangen: Bezahlen Sie auf der Zahlungsseite und versuchen Sie es dann erneut.",
  holdEnded: "Die Reservierung ist abgelaufen, bevor die Zahlung einging: Buchen Sie erneut.",
  free: (n) => (n > 0 ? `${n} frei` : "Belegt"),
  full: "Belegt",
  reviews: (n) => `${n} ${plural("de", n, { one: "Bewertung", other: "Bewertungen" })}`,
} satisfies Omit<PlacesStrings, keyof StripePayStrings>;
