import type { PublishedEvent } from "@gatherkit/core";

/**
 * Sends a committed change to the room that carries it. The real one posts to PartyKit over
 * HTTP, signed with the shared secret; tests may pass one that records. `id` names the
 * delivery (the outbox row id): a room that already broadcast that id drops the repeat, so a
 * retried delivery reaches clients once. `order` (the outbox sequence, rising per room in
 * delivery order) lets the room drop any repeat however late it comes; `disconnect` names the
 * room-token subjects whose connections the room closes after broadcasting this one.
 */
export interface Publisher {
  publish(room: string, event: PublishedEvent, opts?: PublishOptions): Promise<void>;
}

export interface PublishOptions {
  id?: string;
  order?: number;
  disconnect?: string[];
}
