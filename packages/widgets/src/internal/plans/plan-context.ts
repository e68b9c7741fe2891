import type { Context } from "../../base/context.js";
import type { PlanStore } from "./plan-store.js";

/**
 * The plan store a plan widget shares with the plan widgets inside it (light or shadow DOM), so
 * they show the same plan and viewer over one subscription to the plan's room. A global symbol,
 * so widgets from separately loaded scripts find each other.
 */
export const planContext = Symbol.for("@gatherkit/widgets:plan") as Context<PlanStore>;
