import { plural } from "../../../base/i18n.js";
import type { JoinStrings } from "../join-form.strings.js";

export default {
  problems: {
    expired: "Dieser Einladungslink ist abgelaufen. Bitten Sie die Organisatoren um einen neuen.",
    exhausted: "Dieser Einladungslink wurde so oft verwendet, wie er erlaubt. Bitten Sie die Organisatoren um einen neuen.",
    revoked: "Dieser Einladungslink funktioniert nicht mehr. Bitten Sie die Organisatoren um einen neuen.",
  },
  organizedBy: (name) => `Organisiert von ${name}`,
  joined: (n) => `${n} ${plural("de", n, { one: "Person ist", other: "Personen sind" })} dabei`,
  title: (title) => `„${title}“ beitreten`,
  name: "Ihr Name",
  email: "E-Mail",
  optional: "(optional)",
  joining: "Beitritt läuft…",
  join: "Beitreten",
} satisfies JoinStrings;
