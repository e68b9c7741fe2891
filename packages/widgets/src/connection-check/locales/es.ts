import type { ConnectionCheckStrings } from "../connection-check.strings.js";

export default {
  loading: "Comprobando la conexión con Gatherkit…",
  loaded: "Conectado a Gatherkit.",
  connected: (origin) => `Conectado a Gatherkit desde ${origin}.`,
  api: (version, runtime) => `API ${version} (${runtime})`,
} satisfies ConnectionCheckStrings;
