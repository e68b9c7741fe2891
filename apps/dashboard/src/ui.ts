import type { Page, PagePromise } from "@gatherkit/sdk";
import { css, html, type LitElement, nothing, type ReactiveController, type TemplateResult } from "lit";
import { describe } from "./api.js";

/** The dashboard's look: system fonts, clear focus rings, readable from a phone's width up. */
export const styles = css`
  :host { display: block; font: 16px/1.5 system-ui, sans-serif; color: #1f2328; }
  h1 { font-size: 1.5rem; margin: 0 0 1rem; }
  h2 { font-size: 1.15rem; margin: 1.5rem 0 0.5rem; }
  a { color: #0550ae; }
  :focus-visible { outline: 3px solid #0969da; outline-offset: 2px; }
  form { display: grid; gap: 0.75rem; max-width: 28rem; }
  label { display: grid; gap: 0.25rem; font-weight: 600; }
  label.inline { display: inline-flex; gap: 0.4rem; align-items: center; }
  input, select, textarea { font: inherit; padding: 0.45rem 0.6rem; border: 1px solid #8c959f; border-radius: 6px; }
  /* A select is as wide as its longest option: keep it (and the grid of a form) to a phone's width. */
  form, label { grid-template-columns: minmax(0, 1fr); }
  select, input { max-width: 100%; }
  input[aria-invalid="true"] { border-color: #cf222e; }
  .field-error { color: #a40e26; font-weight: 400; font-size: 0.9rem; }
  button { font: inherit; padding: 0.45rem 0.9rem; border-radius: 6px; border: 1px solid #1f2328; background: #1f2328; color: #fff; cursor: pointer; justify-self: start; }
  button.secondary { background: #fff; color: #1f2328; }
  button.danger { background: #fff; color: #a40e26; border-color: #a40e26; }
  button[disabled] { opacity: 0.6; cursor: progress; }
  .error { color: #a40e26; background: #ffebe9; border: 1px solid #ff8182; padding: 0.5rem 0.75rem; border-radius: 6px; }
  .notice { background: #ddf4ff; border: 1px solid #54aeff; padding: 0.75rem; border-radius: 6px; }
  .muted { color: #57606a; }
  .live { color: #57606a; margin: 0.25rem 0; min-height: 1.5em; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: 0.5rem; border-bottom: 1px solid #d0d7de; vertical-align: top; }
  code, pre { font: 0.9rem ui-monospace, monospace; background: #f6f8fa; border-radius: 4px; }
  code { padding: 0.1rem 0.3rem; word-break: break-all; }
  pre { padding: 0.75rem; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
  .row { display: flex; gap: 0.5rem; flex-wrap: wrap; align-items: center; }
  .sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
  ul.reviews { list-style: none; padding: 0; }
  ul.reviews li { border-bottom: 1px solid #d0d7de; padding: 0.5rem 0; }
  textarea { display: block; width: 100%; box-sizing: border-box; }
  @media (max-width: 40rem) { th.optional, td.optional { display: none; } }
  .table-wrap { overflow-x: auto; }
  ul.sections { display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; list-style: none; padding: 0; }
`;

/**
 * A cursor-paginated list for a page: loads the first page, "Load more" appends the next, and
 * keeps loading, empty and error states for the template to show.
 */
export class ListController<T> implements ReactiveController {
  items: T[] = [];
  state: "loading" | "ready" | "error" = "loading";
  error = "";
  #page: Page<T> | undefined;
  /** How many pages `items` holds (the first and each "Load more"). */
  #pages = 0;
  /** A "Load more" under way; a live refresh under way. */
  #more: Promise<void> | undefined;
  #refreshing: Promise<void> | undefined;
  /** Bumped by each reload (a new search): a refresh that began before it does not overwrite it. */
  #generation = 0;

  constructor(
    private readonly host: LitElement,
    private readonly load: () => PagePromise<T>,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    void this.reload();
  }

  async reload(): Promise<void> {
    this.#generation++;
    this.state = "loading";
    this.host.requestUpdate();
    try {
      this.#page = await this.load();
      this.items = [...this.#page.data];
      this.#pages = 1;
      this.state = "ready";
    } catch (err) {
      this.error = describe(err);
      this.state = "error";
    }
    this.host.requestUpdate();
  }

  get hasMore(): boolean {
    return this.#page?.hasNextPage() ?? false;
  }

  /**
   * A live refresh, without showing "Loading": fetches the first page again, then as many more as
   * it takes to reach every row shown before ("Load more" pages included: a row pushed down by new
   * ones is still shown), and keeps the cursor of the last page fetched, so "Load more" goes on
   * from there. An error keeps what is shown. A "Load more" asked meanwhile waits for it.
   */
  refresh(): Promise<void> {
    if (this.state !== "ready") return Promise.resolve();
    this.#refreshing ??= this.#refetch().finally(() => {
      this.#refreshing = undefined;
      this.host.requestUpdate();
    });
    return this.#refreshing;
  }

  async #refetch(): Promise<void> {
    if (this.#more) await this.#more;
    const before = this.items;
    const last = (before.at(-1) as { id?: unknown } | undefined)?.id;
    const pages = Math.max(1, this.#pages);
    const generation = this.#generation;
    try {
      let page = await this.load();
      const items = [...page.data];
      let n = 1;
      // Walk on while rows shown before are not all reached (by count, and the last one by id when
      // rows have ids), never further than one page past what was loaded (rows may have gone).
      const reached = () => items.length >= before.length && (last === undefined || items.some((x) => (x as { id?: unknown }).id === last));
      while (page.hasNextPage() && !reached() && n <= pages) {
        page = await page.getNextPage();
        items.push(...page.data);
        n++;
      }
      if (generation !== this.#generation) return;
      this.#page = page;
      this.#pages = n;
      this.items = items;
    } catch {
      // The next refresh tries again; Retry and Refresh show the error.
    }
  }

  async more(): Promise<void> {
    if (!this.#page || this.#more) return;
    this.#more = (async () => {
      if (this.#refreshing) await this.#refreshing;
      if (!this.#page?.hasNextPage()) return;
      try {
        this.#page = await this.#page.getNextPage();
        this.items = [...this.items, ...this.#page.data];
        this.#pages++;
      } catch (err) {
        this.error = describe(err);
      }
    })();
    this.host.requestUpdate();
    await this.#more;
    this.#more = undefined;
    this.host.requestUpdate();
  }

  /** The list in its state: a status line while loading, the error with Retry, `empty`, or `rows`. */
  render(opts: { what: string; empty: TemplateResult | string; rows: (items: T[]) => TemplateResult }): TemplateResult {
    if (this.state === "loading") return html`<p role="status">Loading ${opts.what}…</p>`;
    if (this.state === "error") {
      return html`<div class="error" role="alert">
        Could not load ${opts.what}: ${this.error}
        <button class="secondary" @click=${() => this.reload()}>Retry</button>
      </div>`;
    }
    if (this.items.length === 0) return html`<p class="muted">${opts.empty}</p>`;
    return html`${opts.rows(this.items)}
    ${
      this.hasMore
        ? html`<p><button class="secondary" ?disabled=${Boolean(this.#more)} @click=${() => this.more()}>${this.#more ? "Loading…" : "Load more"}</button></p>`
        : nothing
    }`;
  }
}

/** An input with its label and the API's (or the browser's) message for it. */
export function field(opts: {
  label: string;
  name: string;
  type?: string;
  value?: string;
  error?: string | undefined;
  required?: boolean;
  autocomplete?: string;
  hint?: string;
  minlength?: number;
  step?: string;
  min?: string;
  /** A `<datalist>` id of suggestions. */
  list?: string;
}): TemplateResult {
  const id = `f-${opts.name}`;
  const described = [opts.error ? `${id}-error` : "", opts.hint ? `${id}-hint` : ""].filter(Boolean).join(" ");
  return html`<label for=${id}>
    ${opts.label}
    <input
      id=${id}
      name=${opts.name}
      type=${opts.type ?? "text"}
      .value=${opts.value ?? ""}
      ?required=${opts.required ?? false}
      minlength=${opts.minlength ?? nothing}
      step=${opts.step ?? nothing}
      min=${opts.min ?? nothing}
      list=${opts.list ?? nothing}
      autocomplete=${opts.autocomplete ?? nothing}
      aria-invalid=${opts.error ? "true" : "false"}
      aria-describedby=${described || nothing}
    />
    ${opts.hint ? html`<span class="muted" id="${id}-hint">${opts.hint}</span>` : nothing}
    ${opts.error ? html`<span class="field-error" id="${id}-error">${opts.error}</span>` : nothing}
  </label>`;
}

/** The form's fields as strings. */
export const formValues = (form: HTMLFormElement): Record<string, string> =>
  Object.fromEntries([...new FormData(form)].map(([k, v]) => [k, String(v)]));

/**
 * The organization's time zone (GET /v1/auth/me), which every page shows times in unless the
 * object has its own (an event, a place): the shell sets it when the session loads or changes.
 */
let orgZone = "UTC";
export const setOrgTimeZone = (zone: string): void => {
  orgZone = zone;
};
export const orgTimeZone = (): string => orgZone;

/** Whether the browser knows `zone` as an IANA time zone (what the API checks too). */
export function isTimeZone(zone: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const formats = new Map<string, Intl.DateTimeFormat>();
function format(kind: "dateTime" | "time", timeZone: string): Intl.DateTimeFormat {
  const key = `${kind} ${timeZone}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(
      undefined,
      kind === "dateTime"
        ? { timeZone, year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" }
        : { timeZone, hour: "2-digit", minute: "2-digit", second: "2-digit", timeZoneName: "short" },
    );
    formats.set(key, f);
  }
  return f;
}

/** A date and time in `timeZone` (an event's or place's own), else the organization's, with the zone's short name. */
export const dateTime = (iso: string | null | undefined, timeZone?: string): string =>
  iso ? format("dateTime", timeZone ?? orgZone).format(new Date(iso)) : "—";

/** A time of day (to the second) in the organization's zone, for logs. */
export const timeOfDay = (iso: string | number, timeZone?: string): string => format("time", timeZone ?? orgZone).format(new Date(iso));
