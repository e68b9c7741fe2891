import type { ConnectionCheckStrings } from "../connection-check.strings.js";

export default {
  loading: "Vérification de la connexion à Gatherkit…",
  loaded: "Connecté à Gatherkit.",
  connected: (origin) => `Connecté à Gatherkit depuis ${origin}.`,
  api: (version, runtime) => `API ${version} (${runtime})`,
} satisfies ConnectionCheckStrings;
