import { html, nothing } from "lit";

/** The widths the API makes smaller copies of uploaded images at (`IMAGE_VARIANT_WIDTHS` in core). */
const WIDTHS = [320, 640, 1280];
/** An upload's lasting URL: `<API>/v1/files/file_…`, no query (its copies are at `?w=<width>`). */
const UPLOAD = /\/v1\/files\/file_[0-9a-z]+$/;

/**
 * The `srcset` of an image URL: an upload's lasting URL lists its copies (the API answers a width
 * it made no copy at with the original, which is then narrower); any other URL has none.
 */
export const imageSrcset = (src: string): string | undefined =>
  UPLOAD.test(src) ? WIDTHS.map((w) => `${src}?w=${w} ${w}w`).join(", ") : undefined;

/**
 * An `<img>` of an object's image, lazy and decoded off the main thread, in a box of `width` ×
 * `height` CSS pixels (its styles crop it to that box, so nothing moves when it loads), with the
 * upload's copies as `srcset` for a box `sizes` wide.
 */
export function lazyImage(o: { part: string; src: string; alt: string; width: number; height: number; sizes: string }) {
  const srcset = imageSrcset(o.src);
  return html`<img part=${o.part} src=${o.src} srcset=${srcset ?? nothing} sizes=${srcset ? o.sizes : nothing} alt=${o.alt}
    width=${o.width} height=${o.height} loading="lazy" decoding="async" />`;
}
