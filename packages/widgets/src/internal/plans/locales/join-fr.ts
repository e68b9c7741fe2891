import { plural } from "../../../base/i18n.js";
import type { JoinStrings } from "../join-form.strings.js";

export default {
  problems: {
    expired: "Ce lien d’invitation a expiré. Demandez-en un nouveau à l’organisateur.",
    exhausted: "Ce lien d’invitation a été utilisé autant de fois qu’il le permet. Demandez-en un nouveau à l’organisateur.",
    revoked: "Ce lien d’invitation ne fonctionne plus. Demandez-en un nouveau à l’organisateur.",
  },
  organizedBy: (name) => `Organisé par ${name}`,
  joined: (n) => `${n} ${plural("fr", n, { one: "personne a rejoint", other: "personnes ont rejoint" })}`,
  title: (title) => `Rejoindre « ${title} »`,
  name: "Votre nom",
  email: "E-mail",
  optional: "(facultatif)",
  joining: "Connexion…",
  join: "Rejoindre",
} satisfies JoinStrings;
