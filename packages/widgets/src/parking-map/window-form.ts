import { html } from "lit";
import { formatDuration } from "../internal/plans/format.js";
import type { ParkingMapStrings } from "./parking-map.strings.js";

const DURATIONS = [60, 120, 180, 240, 360, 480, 720, 1440];

/** An instant as the visitor's wall-clock time for `<input type="datetime-local">`. */
function toLocalInput(iso: string): string {
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** The search the window form shows and submits. */
export interface SearchWindow {
  start: string;
  durationMinutes: number;
  kind: string | undefined;
  sort: "distance" | "price" | undefined;
  available: boolean;
  maxPrice: number | undefined;
  /** Features, comma-separated. */
  features: string | undefined;
}

/** `features` ("covered, ev_charging") as a list. */
export const featureList = (features: string | undefined): string[] =>
  (features ?? "")
    .split(",")
    .map((f) => f.trim())
    .filter(Boolean);

/**
 * `<gk-parking-map>`'s search form: the time window ("From", "For") and, folded under "Filters",
 * kind, sort, maximum price, "only with a free spot" and the features. Submitting calls `onSearch`
 * with the new search.
 */
export function renderWindowForm(w: SearchWindow, s: ParkingMapStrings, locale: string, onSearch: (next: SearchWindow) => void) {
  const durations = DURATIONS.includes(w.durationMinutes) ? DURATIONS : [...DURATIONS, w.durationMinutes].sort((a, b) => a - b);
  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget as HTMLFormElement);
    const start = new Date(String(data.get("start")));
    if (Number.isNaN(start.getTime())) return;
    const max = String(data.get("maxPrice") ?? "").trim();
    onSearch({
      start: start.toISOString(),
      durationMinutes: Number(data.get("duration")),
      kind: String(data.get("kind") ?? "") || undefined,
      sort: data.get("sort") === "price" ? "price" : undefined,
      available: data.get("available") === "on",
      maxPrice: max === "" ? undefined : Number(max),
      features: data.getAll("feature").join(",") || undefined,
    });
  };
  const features = featureList(w.features);
  const on = features.length + (w.available ? 1 : 0) + (w.maxPrice !== undefined ? 1 : 0) + (w.kind ? 1 : 0);
  return html`<form part="window" @submit=${submit} aria-label=${s.window}>
    <label part="field">${s.from} <input part="input" type="datetime-local" name="start" required value=${toLocalInput(w.start)} /></label>
    <label part="field"
      >${s.for}
      <select part="input" name="duration">
        ${durations.map((m) => html`<option value=${m} ?selected=${m === w.durationMinutes}>${formatDuration(m, locale)}</option>`)}
      </select></label
    >
    <details part="filters">
      <summary part="filters-toggle">${s.filters(on)}</summary>
      <div class="filters">
        <label part="field"
          >${s.kind}
          <select part="input" name="kind">
            <option value="" ?selected=${!w.kind}>${s.any}</option>
            ${Object.entries(s.kinds).map(([k, label]) => html`<option value=${k} ?selected=${w.kind === k}>${label}</option>`)}
          </select></label
        >
        <label part="field"
          >${s.sortBy}
          <select part="input" name="sort">
            ${Object.entries(s.sorts).map(([k, label]) => html`<option value=${k} ?selected=${(w.sort ?? "distance") === k}>${label}</option>`)}
          </select></label
        >
        <div class="max-price">
          <label part="field"
            >${s.maxPrice}
            <input
              part="input"
              name="maxPrice"
              type="number"
              min="0"
              step="0.01"
              inputmode="decimal"
              aria-describedby="max-price-hint"
              .value=${w.maxPrice === undefined ? "" : String(w.maxPrice)}
          /></label>
          <span id="max-price-hint" class="hint">${s.maxPriceHint}</span>
        </div>
        <label part="field check"><input part="input" name="available" type="checkbox" .checked=${w.available} /> ${s.onlyFree}</label>
        <fieldset part="feature-filter">
          <legend>${s.hasAll}</legend>
          ${Object.entries(s.features).map(
            ([f, label]) =>
              html`<label part="field check"><input part="input" name="feature" type="checkbox" value=${f} .checked=${features.includes(f)} /> ${label}</label>`,
          )}
        </fieldset>
      </div>
    </details>
    <button part="button" type="submit">${s.showPlaces}</button>
  </form>`;
}
