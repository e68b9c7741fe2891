import { css, html, LitElement, nothing } from "lit";
import { describe, gk } from "./api.js";
import { styles } from "./ui.js";

/** What the API takes (UPLOAD_CONTENT_TYPES). */
const TYPES = "image/png,image/jpeg,image/webp,image/gif,image/avif";

/** A file as a `data:` URL (the dashboard's CSP allows those images, not `blob:`). */
const dataUrl = (file: Blob) =>
  new Promise<string>((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result));
    r.onerror = () => reject(r.error);
    r.readAsDataURL(file);
  });

/**
 * An object's images (an event's, a place's): each shown with a button to remove it, and a file
 * picker that uploads another through the API's signed-upload flow (`gk.uploads.upload`: declare,
 * PUT the bytes to storage with progress, complete). `images` is what the object's `imageUrls`
 * takes: the lasting URLs it already has, then the new uploads' ids. Changes fire `change`; the
 * page saves them with the rest of its form.
 */
export class ImageUploads extends LitElement {
  static override styles = [
    styles,
    css`
      :host { display: block; }
      ul { list-style: none; padding: 0; margin: 0; display: flex; flex-wrap: wrap; gap: 0.5rem; }
      li { display: grid; gap: 0.25rem; justify-items: start; }
      img { inline-size: 7rem; block-size: 5rem; object-fit: cover; border-radius: 4px; border: 1px solid #d0d7de; }
      .new { inline-size: 7rem; block-size: 5rem; display: grid; place-items: center; border: 1px dashed #8c959f; border-radius: 4px; }
    `,
  ];
  static override properties = { images: { attribute: false }, label: {}, max: { type: Number } };
  declare images: string[];
  /** What the images are of, for their names ("the event"). */
  declare label: string;
  declare max: number;
  /** Upload ids to the preview the organizer picked (the API answers their URL once the object is saved). */
  readonly #previews = new Map<string, string>();
  #progress = "";
  #error = "";

  constructor() {
    super();
    this.images = [];
    this.label = "the object";
    this.max = 10;
  }

  override render() {
    const full = this.images.length >= this.max;
    return html`<ul aria-label="Images of ${this.label}">
        ${this.images.map(
          (src, i) => html`<li>
            ${
              this.#previews.get(src) || /^https?:/.test(src)
                ? html`<img src=${this.#previews.get(src) || src} alt="Image ${i + 1} of ${this.label}" loading="lazy" />`
                : html`<span class="new">Image ${i + 1}</span>`
            }
            <button type="button" class="secondary" aria-label="Remove image ${i + 1}" @click=${() => this.#remove(i)}>Remove</button>
          </li>`,
        )}
      </ul>
      ${this.images.length === 0 ? html`<p class="muted">No images yet.</p>` : nothing}
      <label for="image-file">Add an image
        <input id="image-file" type="file" accept=${TYPES} ?disabled=${full || !!this.#progress}
          aria-describedby="image-hint" @change=${this.#pick} />
      </label>
      <span class="muted" id="image-hint">${full ? `At most ${this.max} images.` : "PNG, JPEG, WebP, GIF or AVIF; saved with the form."}</span>
      <p role="status">${this.#progress}</p>
      ${this.#error ? html`<p class="error" role="alert">${this.#error}</p>` : nothing}`;
  }

  #set(images: string[]) {
    this.images = images;
    this.dispatchEvent(new Event("change", { bubbles: true, composed: true }));
  }

  #remove(i: number) {
    this.#set(this.images.filter((_, j) => j !== i));
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>("button[aria-label^='Remove'], #image-file")?.focus());
  }

  #pick = async (e: Event) => {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    this.#error = "";
    this.#progress = `Uploading ${file.name}…`;
    this.requestUpdate();
    try {
      const upload = await gk.uploads.upload(file, {
        onProgress: (sent, total) => {
          this.#progress = `Uploading ${file.name}: ${Math.round((100 * sent) / Math.max(total, 1))}%`;
          this.requestUpdate();
        },
      });
      this.#previews.set(upload.id, await dataUrl(file).catch(() => ""));
      this.#progress = `${file.name} uploaded: save to keep it.`;
      this.#set([...this.images, upload.id]);
    } catch (err) {
      this.#progress = "";
      this.#error = `Could not upload ${file.name}: ${describe(err)}`;
    }
    input.value = "";
    this.requestUpdate();
  };
}

customElements.define("gk-dash-image-uploads", ImageUploads);
