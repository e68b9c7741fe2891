import type { Place, Places, Review } from "@gatherkit/sdk";
import { html, nothing, type ReactiveControllerHost } from "lit";
import { lazyImage } from "../base/image.js";
import type { ParkingMapStrings } from "./parking-map.strings.js";

/**
 * A place's "Photos and reviews" disclosure in `<gk-parking-map>`: its photos (lazy) and its newest
 * five approved reviews with the operator's replies, loaded the first time it is opened (again
 * after a failure).
 */
export class PlaceDetails {
  /** Place id → the newest five approved reviews, or the load's state. */
  readonly #reviews = new Map<string, Review[] | "loading" | "error">();
  readonly #host: ReactiveControllerHost;
  readonly #places: () => Places | undefined;

  constructor(host: ReactiveControllerHost, places: () => Places | undefined) {
    this.#host = host;
    this.#places = places;
  }

  render(p: Place, s: ParkingMapStrings) {
    const reviews = this.#reviews.get(p.id);
    const toggle = (e: Event) => {
      if ((e.currentTarget as HTMLDetailsElement).open) void this.#load(p.id);
    };
    return html`<details part="details" @toggle=${toggle}>
      <summary part="details-toggle">${s.details}<span class="visually-hidden">${s.detailsOf(p.name)}</span></summary>
      ${p.images.slice(0, 4).map((src, i) => lazyImage({ part: "photo", src, alt: s.photo(i + 1, p.name), width: 128, height: 96, sizes: "8rem" }))}
      ${
        reviews === undefined
          ? nothing
          : reviews === "loading"
            ? html`<p class="muted" role="status">${s.loadingReviews}</p>`
            : reviews === "error"
              ? html`<p class="muted" role="status">${s.reviewsFailed}</p>`
              : reviews.length === 0
                ? html`<p class="muted">${s.noReviews}</p>`
                : html`<ul part="reviews" aria-label=${s.reviewsOf(p.name)}>
                  ${reviews.map(
                    (r) => html`<li part="review">
                      <p><span aria-hidden="true">${"★".repeat(r.rating)}${"☆".repeat(5 - r.rating)}</span><span class="visually-hidden">${s.stars(r.rating)}</span> ${r.authorName}</p>
                      ${r.text ? html`<p>${r.text}</p>` : nothing}
                      ${r.reply ? html`<p part="reply" class="muted">${s.reply(p.name, r.reply.text)}</p>` : nothing}
                    </li>`,
                  )}
                </ul>`
      }
    </details>`;
  }

  async #load(placeId: string): Promise<void> {
    const places = this.#places();
    const had = this.#reviews.get(placeId);
    if (!places || (had !== undefined && had !== "error")) return;
    this.#reviews.set(placeId, "loading");
    this.#host.requestUpdate();
    try {
      this.#reviews.set(placeId, (await places.reviews.list(placeId, { limit: 5 })).data);
    } catch {
      this.#reviews.set(placeId, "error");
    }
    this.#host.requestUpdate();
  }
}
