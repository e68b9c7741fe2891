import type { ConnectionCheckStrings } from "../connection-check.strings.js";

export default {
  loading: "Verbindung zu Gatherkit wird geprüft…",
  loaded: "Mit Gatherkit verbunden.",
  connected: (origin) => `Mit Gatherkit verbunden von ${origin}.`,
  api: (version, runtime) => `API ${version} (${runtime})`,
} satisfies ConnectionCheckStrings;
