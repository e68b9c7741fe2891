import type { Logger } from "./logger.js";
import type { Publisher } from "./publisher.js";

// Placeholder until the realtime work lands: logs what would be published.
export function createHttpPublisher(opts: { host: string; secret: string; logger: Logger }): Publisher {
  return {
    async publish(room, event) {
      opts.logger.debug("publish (not yet wired)", { room, type: event.type });
    },
  };
}
