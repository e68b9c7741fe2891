import type { Review } from "@gatherkit/sdk";
import { css, html, LitElement, nothing } from "lit";
import { describe, fieldErrors, gk } from "../api.js";
import { dateTime, ListController, styles } from "../ui.js";

/** The API's limit on a reply (ReplyReviewSchema). */
const REPLY_MAX = 2000;

/** What is wrong with a reply as typed, if anything (the API checks the same). */
function replyProblem(text: string): string {
  if (!text.trim()) return "Write a reply (it is public, shown with the review).";
  if (text.trim().length > REPLY_MAX) return `At most ${REPLY_MAX} characters; this one has ${text.trim().length}.`;
  return "";
}

/**
 * A place's reviews (every status, newest first) with the organization's public reply to each:
 * write one, edit it, or take it back (after a confirmation). A rejected review is not shown, so
 * it gets no reply. The form checks the text as it is typed and shows the API's field error.
 */
export class PlaceReviews extends LitElement {
  static override styles = [
    styles,
    css`
      ul.reviews { list-style: none; padding: 0; display: grid; gap: 0.75rem; }
      ul.reviews > li { border: 1px solid #d0d7de; border-radius: 6px; padding: 0.5rem 0.75rem; overflow-wrap: anywhere; }
      blockquote { margin: 0.5rem 0; padding-left: 0.75rem; border-left: 3px solid #0969da; }
      textarea { inline-size: 100%; box-sizing: border-box; }
      .count { font-size: 0.85rem; }
    `,
  ];
  static override properties = { placeId: { attribute: "place-id" } };
  declare placeId: string;
  readonly #reviews = new ListController<Review>(this, () => gk.places.reviews.list(this.placeId, { limit: 20 }));
  /** The review whose reply form is open, what is typed, its error, and whether it is being saved. */
  #editing: { id: string; text: string; error: string; busy: boolean; touched: boolean } | undefined;
  #status = "";
  #actionError = "";

  /** Loads the reviews again (the page calls it after a moderation). */
  reload(): Promise<void> {
    return this.#reviews.reload();
  }

  #open(r: Review): void {
    this.#editing = { id: r.id, text: r.reply?.text ?? "", error: "", busy: false, touched: false };
    this.#status = "";
    this.requestUpdate();
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLTextAreaElement>(`#reply-${r.id}`)?.focus());
  }

  #close(r: Review): void {
    this.#editing = undefined;
    this.requestUpdate();
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLButtonElement>(`[data-reply="${r.id}"]`)?.focus());
  }

  #input(e: Event): void {
    if (!this.#editing) return;
    const text = (e.target as HTMLTextAreaElement).value;
    // As you type: too long shows at once; "empty" waits until the box was left or saved once.
    const touched = this.#editing.touched || e.type === "focusout";
    const problem = replyProblem(text);
    this.#editing = { ...this.#editing, text, touched, error: touched || text.trim().length > REPLY_MAX ? problem : "" };
    this.requestUpdate();
  }

  async #save(e: SubmitEvent, r: Review): Promise<void> {
    e.preventDefault();
    const editing = this.#editing;
    if (!editing || editing.busy) return;
    const problem = replyProblem(editing.text);
    if (problem) {
      this.#editing = { ...editing, error: problem, touched: true };
      this.requestUpdate();
      this.renderRoot.querySelector<HTMLTextAreaElement>(`#reply-${r.id}`)?.focus();
      return;
    }
    this.#editing = { ...editing, busy: true, error: "" };
    this.requestUpdate();
    try {
      await gk.places.reviews.reply(r.id, { text: editing.text });
      this.#status = `Reply to ${r.authorName} saved.`;
      this.#editing = undefined;
      await this.#reviews.reload();
    } catch (err) {
      this.#editing = { ...editing, busy: false, error: fieldErrors(err).text ?? describe(err) };
      this.requestUpdate();
    }
  }

  async #delete(r: Review): Promise<void> {
    if (!confirm(`Delete your reply to ${r.authorName}'s review? It is no longer shown with the review.`)) return;
    this.#actionError = "";
    try {
      await gk.places.reviews.deleteReply(r.id);
      this.#status = `Reply to ${r.authorName} deleted.`;
      await this.#reviews.reload();
    } catch (err) {
      this.#actionError = describe(err);
      this.requestUpdate();
    }
  }

  #renderForm(r: Review) {
    const ed = this.#editing!;
    const id = `reply-${r.id}`;
    const described = [ed.error ? `${id}-error` : "", `${id}-count`].filter(Boolean).join(" ");
    return html`<form novalidate aria-label="Reply to the review by ${r.authorName}" @submit=${(e: SubmitEvent) => this.#save(e, r)}>
      <label for=${id}>Your public reply
        <textarea
          id=${id}
          name="text"
          rows="3"
          required
          .value=${ed.text}
          aria-invalid=${ed.error ? "true" : "false"}
          aria-describedby=${described}
          @input=${this.#input}
          @focusout=${this.#input}
        ></textarea>
      </label>
      <span class="muted count" id="${id}-count">${ed.text.trim().length} of ${REPLY_MAX} characters</span>
      ${ed.error ? html`<span class="field-error" id="${id}-error" role="alert">${ed.error}</span>` : nothing}
      <div class="row">
        <button type="submit" ?disabled=${ed.busy}>${ed.busy ? "Saving…" : r.reply ? "Save the reply" : "Post the reply"}</button>
        <button type="button" class="secondary" @click=${() => this.#close(r)}>Cancel</button>
      </div>
    </form>`;
  }

  override render() {
    return html`<h2 id="replies-title">Reviews and your replies</h2>
      <p class="muted">Your reply is public: it is shown with the review wherever the review is (once approved).</p>
      ${this.#status ? html`<p role="status">${this.#status}</p>` : nothing}
      ${this.#actionError ? html`<p class="error" role="alert">${this.#actionError}</p>` : nothing}
      ${this.#reviews.render({
        what: "the reviews",
        empty: "No reviews yet.",
        rows: (reviews) => html`<ul class="reviews" aria-labelledby="replies-title">
          ${reviews.map(
            (r) => html`<li data-review=${r.id}>
              <p><strong aria-hidden="true">${"★".repeat(r.rating)}${"☆".repeat(5 - r.rating)}</strong> <span class="sr-only">${r.rating} of 5 stars</span> by ${r.authorName}, ${dateTime(r.createdAt)} · ${r.status}</p>
              <p>${r.text || html`<span class="muted">(no text)</span>`}</p>
              ${r.reply ? html`<blockquote aria-label="Your reply"><p>${r.reply.text}</p><p class="muted">Replied ${dateTime(r.reply.at)}</p></blockquote>` : nothing}
              ${
                r.status === "rejected"
                  ? html`<p class="muted">Rejected: not shown, so it gets no reply.</p>`
                  : this.#editing?.id === r.id
                    ? this.#renderForm(r)
                    : html`<div class="row">
                      <button class="secondary" data-reply=${r.id} aria-label="${r.reply ? "Edit reply" : "Reply"} to the review by ${r.authorName}" @click=${() => this.#open(r)}>${r.reply ? "Edit reply" : "Reply"}</button>
                      ${r.reply ? html`<button class="danger" aria-label="Delete reply to the review by ${r.authorName}" @click=${() => this.#delete(r)}>Delete reply</button>` : nothing}
                    </div>`
              }
            </li>`,
          )}
        </ul>`,
      })}`;
  }
}

customElements.define("gk-dash-place-reviews", PlaceReviews);
