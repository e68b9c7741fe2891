import { plural } from "../../../base/i18n.js";
import type { JoinStrings } from "../join-form.strings.js";

export default {
  problems: {
    expired: "Este enlace de invitación ha caducado. Pida uno nuevo al organizador.",
    exhausted: "Este enlace de invitación se ha usado tantas veces como permite. Pida uno nuevo al organizador.",
    revoked: "Este enlace de invitación ya no funciona. Pida uno nuevo al organizador.",
  },
  organizedBy: (name) => `Organizado por ${name}`,
  joined: (n) => `${n} ${plural("es", n, { one: "persona se ha unido", other: "personas se han unido" })}`,
  title: (title) => `Unirse a «${title}»`,
  name: "Su nombre",
  email: "Correo electrónico",
  optional: "(opcional)",
  joining: "Uniéndose…",
  join: "Unirse",
} satisfies JoinStrings;
