import type { GatherkitClient } from "@gatherkit/sdk";
import { createContext } from "@lit/context";

/**
 * The Gatherkit client a widget shares with the widgets inside it (in its light or shadow DOM).
 * The key is a global symbol so widgets from separately loaded scripts still find each other.
 */
export const gatherkitContext = createContext<GatherkitClient | undefined>(Symbol.for("@gatherkit/widgets:client"));
