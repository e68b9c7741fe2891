import type { PublishedEvent } from "@gatherkit/core";

/**
 * Sends a committed change to the room that carries it. The real one posts to PartyKit over
 * HTTP, signed with the shared secret; tests may pass one that records.
 */
export interface Publisher {
  publish(room: string, event: PublishedEvent): Promise<void>;
}

export const noopPublisher: Publisher = { publish: async () => {} };
