import type { PlaceEvent, Places, Subscription } from "@gatherkit/sdk";
import type { ReactiveController, ReactiveControllerHost } from "lit";

export interface PlaceRoomHandlers {
  /** A booking changed a place's free capacity over `data.start`–`data.end`. */
  onChange: (data: PlaceEvent["data"]) => void;
  /** What is shown of the place may have missed a change (first connect or reconnect): reload it. */
  onResync: (placeId: string) => void;
}

/**
 * The rooms (`place:<id>`) of the places a widget shows, one subscription each, kept in step with
 * what it shows ({@link follow}) and left when the widget leaves the page. A refused room or a
 * failed token request only stops live updates: what is shown stays usable.
 */
export class PlaceRooms implements ReactiveController {
  readonly #subs = new Map<string, Subscription>();
  #places: Places | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly handlers: PlaceRoomHandlers,
  ) {
    host.addController(this);
  }

  /**
   * Follows exactly `ids` through `places` (rooms of other ids are left). `since` is when the data
   * shown began loading, so a change made meanwhile triggers `onResync`.
   */
  follow(places: Places | undefined, ids: readonly string[], since: number): void {
    if (places !== this.#places) this.#closeAll();
    this.#places = places;
    if (!places) return;
    const wanted = new Set(ids);
    for (const [id, sub] of this.#subs) {
      if (wanted.has(id)) continue;
      sub.close();
      this.#subs.delete(id);
    }
    for (const id of wanted) {
      if (this.#subs.has(id)) continue;
      this.#subs.set(
        id,
        places.subscribe(id, {
          since,
          onAvailabilityChanged: (data) => this.handlers.onChange(data),
          onResync: () => this.handlers.onResync(id),
          onError: () => {},
        }),
      );
    }
  }

  hostConnected(): void {
    // Back on the page: the widget's next update follows its places again.
    this.host.requestUpdate();
  }

  hostDisconnected(): void {
    this.#closeAll();
  }

  #closeAll(): void {
    for (const sub of this.#subs.values()) sub.close();
    this.#subs.clear();
  }
}

/** Whether two windows share an instant. */
export const overlaps = (a: { start: string; end: string }, b: { start: string; end: string }): boolean =>
  Date.parse(a.start) < Date.parse(b.end) && Date.parse(b.start) < Date.parse(a.end);
