import type { ConnectionCheckStrings } from "../connection-check.strings.js";

export default {
  loading: "جارٍ التحقق من الاتصال بـ Gatherkit…",
  loaded: "تم الاتصال بـ Gatherkit.",
  connected: (origin) => `تم الاتصال بـ Gatherkit من ${origin}.`,
  api: (version, runtime) => `واجهة API ‏${version} (${runtime})`,
} satisfies ConnectionCheckStrings;
