import type { Place, PublishableKey, TicketedEvent } from "@gatherkit/sdk";
import { css, html, LitElement, nothing } from "lit";
import { keyed } from "lit/directives/keyed.js";
import { styleMap } from "lit/directives/style-map.js";
import { describe, gk } from "../api.js";
import { BASE } from "../router.js";
import { styles } from "../ui.js";

interface WidgetKind {
  tag: string;
  label: string;
  /** What object it shows: its attribute and the list to choose from. */
  object: "event" | "place" | "near-place" | null;
  extra?: { name: string; label: string; value: string }[];
}

const WIDGETS: WidgetKind[] = [
  { tag: "gk-ticket-checkout", label: "Ticket checkout", object: "event" },
  { tag: "gk-slot-picker", label: "Slot picker (rooms, venues)", object: "place" },
  {
    tag: "gk-parking-map",
    label: "Parking map",
    object: "near-place",
    extra: [
      { name: "radius-km", label: "Radius (km)", value: "2" },
      { name: "duration-minutes", label: "Default stay (minutes)", value: "120" },
    ],
  },
  { tag: "gk-connection-check", label: "Connection check", object: null },
];

const TOKENS = [
  { name: "--gk-color-accent", label: "Accent colour", value: "#0969da", type: "color" },
  { name: "--gk-color-text", label: "Text colour", value: "#1f2328", type: "color" },
  { name: "--gk-color-surface", label: "Surface colour", value: "#ffffff", type: "color" },
  { name: "--gk-radius", label: "Corner radius", value: "6px", type: "text" },
  { name: "--gk-font-family", label: "Font", value: "system-ui, sans-serif", type: "text" },
] as const;

let widgetsLoaded: Promise<unknown> | undefined;

/**
 * Developers → Embed: choose a widget and what it shows (an event, a place), its attributes and
 * theme tokens; the real widget runs in the preview (the same module a site loads, with the
 * chosen publishable key), and the snippet to paste — script tag or npm — is copied from here.
 */
export class EmbedPage extends LitElement {
  static override styles = [
    styles,
    css`
      .builder { display: grid; gap: 1.5rem; grid-template-columns: minmax(0, 22rem) minmax(0, 1fr); }
      @media (max-width: 48rem) { .builder { grid-template-columns: minmax(0, 1fr); } }
      .preview { border: 1px dashed #8c959f; border-radius: 6px; padding: 1rem; min-height: 8rem; }
      fieldset { border: 1px solid #d0d7de; border-radius: 6px; display: grid; gap: 0.5rem; }
      [role="tablist"] button[aria-selected="true"] { background: #1f2328; color: #fff; }
    `,
  ];
  #keys: PublishableKey[] | undefined;
  #events: TicketedEvent[] = [];
  #places: Place[] = [];
  #error = "";
  #keyId = "";
  #widget: WidgetKind = WIDGETS[0] as WidgetKind;
  #objectId = "";
  #extra: Record<string, string> = {};
  #tokens: Record<string, string> = {};
  #form: "script" | "npm" = "script";
  #copied = false;
  #widgetsReady = false;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.#load();
    // The real widgets, from the same module the snippet's script tag loads.
    widgetsLoaded ??= import(`${location.origin}/widgets/gatherkit-widgets.js`);
    widgetsLoaded.then(
      () => {
        this.#widgetsReady = true;
        this.requestUpdate();
      },
      (err: unknown) => {
        this.#error = `The widgets did not load: ${describe(err)}`;
        this.requestUpdate();
      },
    );
  }

  async #load() {
    try {
      const [keys, events, places] = await Promise.all([
        gk.publishableKeys.list({ limit: 100 }),
        gk.events.list({ limit: 100 }),
        gk.places.list({ limit: 100 }),
      ]);
      this.#keys = keys.data.filter((k) => !k.revokedAt);
      this.#events = events.data;
      this.#places = places.data;
      this.#keyId = this.#keys[0]?.id ?? "";
      this.#pickWidget(this.#widget.tag);
    } catch (err) {
      this.#error = describe(err);
    }
    this.requestUpdate();
  }

  get #key(): PublishableKey | undefined {
    return this.#keys?.find((k) => k.id === this.#keyId);
  }

  #objects(): { id: string; name: string }[] {
    if (this.#widget.object === "event")
      return this.#events.filter((e) => e.status === "published").map((e) => ({ id: e.id, name: e.title }));
    if (this.#widget.object === "place") return this.#places.map((p) => ({ id: p.id, name: p.name }));
    if (this.#widget.object === "near-place") return this.#places.map((p) => ({ id: p.id, name: `Around ${p.name}` }));
    return [];
  }

  #pickWidget(tag: string) {
    this.#widget = WIDGETS.find((w) => w.tag === tag) ?? this.#widget;
    this.#objectId = this.#objects()[0]?.id ?? "";
    this.#extra = Object.fromEntries((this.#widget.extra ?? []).map((x) => [x.name, x.value]));
    this.requestUpdate();
  }

  /** The element's attributes, in the order the snippet shows them. */
  #attributes(): [string, string][] {
    const key = this.#key;
    const attrs: [string, string][] = [
      ["api-base", location.origin],
      ["publishable-key", key?.key ?? "gk_pk_…"],
    ];
    const w = this.#widget;
    if (w.object === "event") attrs.push(["event", this.#objectId]);
    if (w.object === "place") attrs.push(["place", this.#objectId]);
    if (w.object === "near-place") {
      const p = this.#places.find((x) => x.id === this.#objectId);
      if (p) attrs.push(["center", `${p.location.lat},${p.location.lng}`]);
    }
    for (const [name, value] of Object.entries(this.#extra)) if (value) attrs.push([name, value]);
    return attrs;
  }

  #style(): string {
    return Object.entries(this.#tokens)
      .filter(([, v]) => v)
      .map(([k, v]) => `${k}: ${v};`)
      .join(" ");
  }

  snippet(): string {
    const tag = this.#widget.tag;
    const attrs = this.#attributes()
      .map(([k, v]) => `\n  ${k}="${v.replace(/"/g, "&quot;")}"`)
      .join("");
    const style = this.#style();
    const css = style ? `<style>\n  ${tag} { ${style} }\n</style>\n` : "";
    const element = `<${tag}${attrs}\n></${tag}>`;
    if (this.#form === "npm") {
      return `// npm install @gatherkit/widgets\nimport "@gatherkit/widgets/${tag.replace(/^gk-/, "")}";\n\n<!-- in your page -->\n${css}${element}`;
    }
    return `<script type="module" src="${location.origin}/widgets/gatherkit-widgets.js"></script>\n${css}${element}`;
  }

  override render() {
    if (this.#error) return html`<h1>Embed builder</h1><p class="error" role="alert">${this.#error}</p>`;
    if (!this.#keys) return html`<h1>Embed builder</h1><p role="status">Loading your keys, events and places…</p>`;
    if (this.#keys.length === 0) {
      return html`<h1>Embed builder</h1>
        <p class="muted">Widgets need a publishable key. <a href="${BASE}/developers/keys">Create one</a>, then come back.</p>`;
    }
    const objects = this.#objects();
    const key = this.#key;
    const previewAllowed = key?.allowedOrigins.includes(location.origin) ?? false;
    return html`<h1>Embed builder</h1>
      <div class="builder">
        <form aria-label="Widget settings" @submit=${(e: Event) => e.preventDefault()}>
          <label for="e-widget">Widget
            <select id="e-widget" @change=${(e: Event) => this.#pickWidget((e.target as HTMLSelectElement).value)}>
              ${WIDGETS.map((w) => html`<option value=${w.tag} ?selected=${w.tag === this.#widget.tag}>${w.label}</option>`)}
            </select>
          </label>
          <label for="e-key">Publishable key
            <select id="e-key" @change=${(e: Event) => this.#set(() => (this.#keyId = (e.target as HTMLSelectElement).value))}>
              ${this.#keys.map((k) => html`<option value=${k.id} ?selected=${k.id === this.#keyId}>${k.name}</option>`)}
            </select>
          </label>
          ${
            this.#widget.object
              ? objects.length
                ? html`<label for="e-object">${this.#widget.object === "event" ? "Event (published)" : "Place"}
                  <select id="e-object" @change=${(e: Event) => this.#set(() => (this.#objectId = (e.target as HTMLSelectElement).value))}>
                    ${objects.map((o) => html`<option value=${o.id} ?selected=${o.id === this.#objectId}>${o.name}</option>`)}
                  </select>
                </label>`
                : html`<p class="muted" role="status">Nothing to show yet: ${this.#widget.object === "event" ? html`<a href="${BASE}/events">publish an event</a>` : html`<a href="${BASE}/places">add a place</a>`} first.</p>`
              : nothing
          }
          ${(this.#widget.extra ?? []).map(
            (x) => html`<label for="e-${x.name}">${x.label}
              <input id="e-${x.name}" type="number" min="1" .value=${this.#extra[x.name] ?? ""}
                @input=${(e: Event) => this.#set(() => (this.#extra = { ...this.#extra, [x.name]: (e.target as HTMLInputElement).value }))} />
            </label>`,
          )}
          <fieldset>
            <legend>Theme</legend>
            ${TOKENS.map(
              (t) => html`<label for="e-${t.name}">${t.label} <code>${t.name}</code>
                <input id="e-${t.name}" type=${t.type} .value=${this.#tokens[t.name] ?? t.value}
                  @input=${(e: Event) => this.#set(() => (this.#tokens = { ...this.#tokens, [t.name]: (e.target as HTMLInputElement).value }))} />
              </label>`,
            )}
            <button type="button" class="secondary" @click=${() => this.#set(() => (this.#tokens = {}))}>Reset the theme</button>
          </fieldset>
        </form>
        <div>
          <h2>Preview</h2>
          ${
            previewAllowed
              ? nothing
              : html`<p class="notice" role="status">The key “${key?.name}” does not allow this dashboard's origin, so the preview cannot call the API with it.
                  <button class="secondary" @click=${() => this.#allowHere()}>Allow ${location.origin} for previews</button></p>`
          }
          <div class="preview" data-testid="preview" style=${styleMap(Object.fromEntries(Object.entries(this.#tokens).filter(([, v]) => v)))}>
            ${this.#widgetsReady && (!this.#widget.object || this.#objectId) ? keyed(this.snippet(), this.#element()) : html`<p role="status">Loading the widget…</p>`}
          </div>
          <h2>Snippet</h2>
          <div class="row" role="tablist" aria-label="Snippet form">
            <button role="tab" class="secondary" aria-selected=${this.#form === "script"} @click=${() => this.#set(() => (this.#form = "script"))}>Script tag</button>
            <button role="tab" class="secondary" aria-selected=${this.#form === "npm"} @click=${() => this.#set(() => (this.#form = "npm"))}>npm</button>
          </div>
          <pre data-testid="embed-snippet">${this.snippet()}</pre>
          <div class="row">
            <button @click=${() => this.#copy()}>Copy snippet</button>
            ${this.#copied ? html`<span role="status">Copied.</span>` : nothing}
          </div>
        </div>
      </div>`;
  }

  /** The real widget element with the chosen attributes (made by the DOM: its tag is chosen at run time). */
  #element(): HTMLElement {
    const el = document.createElement(this.#widget.tag);
    for (const [k, v] of this.#attributes()) el.setAttribute(k, v);
    return el;
  }

  #set(change: () => void) {
    change();
    this.#copied = false;
    this.requestUpdate();
  }

  async #allowHere() {
    const key = this.#key;
    if (!key) return;
    try {
      const updated = await gk.publishableKeys.update(key.id, { allowedOrigins: [...key.allowedOrigins, location.origin] });
      this.#keys = this.#keys?.map((k) => (k.id === updated.id ? updated : k));
    } catch (err) {
      this.#error = describe(err);
    }
    this.requestUpdate();
  }

  async #copy() {
    try {
      await navigator.clipboard.writeText(this.snippet());
      this.#copied = true;
    } catch {
      this.#error = "The browser did not allow copying: select the snippet and copy it yourself.";
    }
    this.requestUpdate();
  }
}

customElements.define("gk-dash-embed", EmbedPage);
