import { APIError, type Checkin, type CheckinList } from "@gatherkit/sdk";
import { css, html, LitElement, nothing } from "lit";
import { describe, gk } from "../api.js";
import { LiveController } from "../live.js";
import { styles } from "../ui.js";
import { EventHeading } from "./orders.js";

/** What the door is told about one scan or typed code. */
interface Outcome {
  kind: "admitted" | "already" | "wrong-event" | "forged" | "refused" | "error";
  title: string;
  detail: string;
  code: string;
  checkin?: Checkin;
  at: number;
}

/** The browser's own QR reader where there is one (Chrome on Android, macOS, ChromeOS). */
interface BarcodeDetectorLike {
  detect(source: CanvasImageSource): Promise<{ rawValue: string }[]>;
}
interface BarcodeDetectorClass {
  new (opts: { formats: string[] }): BarcodeDetectorLike;
  getSupportedFormats(): Promise<string[]>;
}

/** A decoder of one frame: the QR code's text, or null. */
type Decoder = (canvas: HTMLCanvasElement, ctx: CanvasRenderingContext2D) => Promise<string | null>;

/**
 * `BarcodeDetector` when the browser has it with QR support; otherwise jsQR, loaded only now
 * (its own chunk: nobody who never scans downloads it).
 */
async function qrDecoder(): Promise<{ name: string; decode: Decoder }> {
  const Detector = (globalThis as { BarcodeDetector?: BarcodeDetectorClass }).BarcodeDetector;
  const formats: string[] = Detector ? await Detector.getSupportedFormats().catch(() => []) : [];
  if (Detector && formats.includes("qr_code")) {
    const detector = new Detector({ formats: ["qr_code"] });
    return { name: "BarcodeDetector", decode: async (canvas) => (await detector.detect(canvas))[0]?.rawValue ?? null };
  }
  const mod: { default: unknown } = await import("jsqr");
  const jsQR = (
    typeof mod.default === "function" ? mod.default : (mod.default as { default: unknown }).default
  ) as typeof import("jsqr").default;
  return {
    name: "jsQR",
    decode: async (canvas, ctx) => {
      const img = ctx.getImageData(0, 0, canvas.width, canvas.height);
      return jsQR(img.data, img.width, img.height, { inversionAttempts: "dontInvert" })?.data ?? null;
    },
  };
}

/** The same code seen again this soon (held in front of the camera) is not sent again. */
const REPEAT_MS = 4000;
const SCAN_EVERY_MS = 200;

/** How each refusal the API gives reads at the door. */
function outcomeOf(err: unknown, code: string): Outcome {
  const at = Date.now();
  if (!(err instanceof APIError)) return { kind: "error", title: "Could not check in", detail: describe(err), code, at };
  const detail = describe(err);
  switch (err.code) {
    case "already_checked_in":
      return { kind: "already", title: "Already checked in", detail, code, at };
    case "ticket_not_on_list":
    case "guest_not_on_list":
      return { kind: "wrong-event", title: "Wrong event — do not admit", detail, code, at };
    case "ticket_qr_invalid":
    case "guest_link_invalid":
      return { kind: "forged", title: "Forged or altered code — do not admit", detail, code, at };
    case "ticket_not_found":
      return { kind: "refused", title: "Unknown code — do not admit", detail, code, at };
    case "ticket_void":
      return { kind: "refused", title: "Void ticket (refunded) — do not admit", detail, code, at };
    case "guest_not_confirmed":
      return { kind: "refused", title: "Guest not confirmed — do not admit", detail, code, at };
    default:
      return { kind: "error", title: "Could not check in", detail, code, at };
  }
}

/**
 * The door: scan tickets' QR codes with the camera (or type a ticket's code) against one of the
 * event's check-in lists. Each answer — admitted, already checked in (when, by whom), wrong
 * event, forged — is shown large and announced (an assertive live region), with a tone. Works
 * one-handed on a phone.
 */
export class CheckinPage extends LitElement {
  static override styles = [
    styles,
    css`
      .outcome { border-radius: 8px; padding: 1rem; margin: 1rem 0; border: 3px solid; }
      .outcome strong { display: block; font-size: 1.4rem; }
      .outcome.admitted { background: #dafbe1; border-color: #1a7f37; color: #0a3d1a; }
      .outcome.already { background: #fff8c5; border-color: #9a6700; color: #3d2800; }
      .outcome.wrong-event, .outcome.forged, .outcome.refused, .outcome.error { background: #ffebe9; border-color: #cf222e; color: #6e0a12; }
      video { width: 100%; max-width: 28rem; border-radius: 8px; background: #000; display: block; }
      .count { font-size: 1.1rem; }
      ol.recent { padding-left: 1.25rem; }
      form.manual { grid-template-columns: 1fr auto; align-items: end; }
      form.manual button { align-self: end; }
    `,
  ];
  static override properties = { eventId: { attribute: "event-id" } };
  declare eventId: string;
  readonly #heading = new EventHeading(this, () => this.eventId);
  #lists: CheckinList[] | undefined;
  #listId = "";
  #loadError = "";
  #outcome: Outcome | undefined;
  #recent: Outcome[] = [];
  #busy = false;
  #camera: "off" | "starting" | "on" = "off";
  #cameraError = "";
  #decoderName = "";
  #stream: MediaStream | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #last = { code: "", at: 0 };
  #audio: AudioContext | undefined;
  /** Live: a check-in at another door (or phone) moves this page's count too, from the event's room. */
  readonly #live = new LiveController(
    this,
    () => `event:${this.eventId}`,
    async (type) => {
      if (type !== undefined && type !== "event.checkins_changed") return undefined;
      const before = this.#list?.checkedIn;
      // Quietly: a failed refresh keeps the scanner on screen (the next message tries again).
      this.#lists = await gk.events.checkinLists.list(this.eventId);
      const list = this.#list;
      return list && before !== undefined && list.checkedIn !== before ? `${list.checkedIn} of ${list.total} checked in.` : undefined;
    },
  );

  override connectedCallback(): void {
    super.connectedCallback();
    void this.#loadLists();
  }

  override disconnectedCallback(): void {
    this.#stopCamera();
    super.disconnectedCallback();
  }

  async #loadLists() {
    this.#loadError = "";
    try {
      this.#lists = await gk.events.checkinLists.list(this.eventId);
      if (!this.#lists.some((l) => l.id === this.#listId)) this.#listId = this.#lists[0]?.id ?? "";
    } catch (err) {
      this.#loadError = describe(err);
    }
    this.requestUpdate();
  }

  get #list(): CheckinList | undefined {
    return this.#lists?.find((l) => l.id === this.#listId);
  }

  override render() {
    const back = this.#heading.back(this.eventId);
    if (this.#loadError) {
      return html`${back}<h1>Check-in</h1><div class="error" role="alert">Could not load the check-in lists: ${this.#loadError}
        <button class="secondary" @click=${() => this.#loadLists()}>Retry</button></div>`;
    }
    if (!this.#lists) return html`${back}<h1>Check-in</h1><p role="status">Loading the check-in lists…</p>`;
    if (this.#lists.length === 0) {
      return html`${back}<h1>Check-in</h1>
        <p class="muted">No check-in list yet: one admits every ticket of the event.</p>
        <button ?disabled=${this.#busy} @click=${() => this.#createList()}>Create the check-in list</button>`;
    }
    const list = this.#list;
    const o = this.#outcome;
    return html`${back}<h1>Check-in</h1>
      ${
        this.#lists.length > 1
          ? html`<label for="list">Check-in list
            <select id="list" @change=${(e: Event) => this.#pickList((e.target as HTMLSelectElement).value)}>
              ${this.#lists.map((l) => html`<option value=${l.id} ?selected=${l.id === this.#listId}>${l.name}</option>`)}
            </select></label>`
          : html`<p>List: <strong>${list?.name}</strong></p>`
      }
      ${list ? html`<p class="count" data-testid="count">${list.checkedIn} of ${list.total} checked in</p>` : nothing}
      ${this.#live.render()}
      <div role="status" aria-live="assertive" aria-atomic="true" data-testid="outcome">
        ${
          o
            ? html`<div class="outcome ${o.kind}" data-kind=${o.kind}>
              <strong>${o.title}</strong>
              <span>${o.detail}</span>
            </div>`
            : nothing
        }
      </div>
      ${
        o?.kind === "admitted" && o.checkin
          ? html`<p><button class="secondary" @click=${() => this.#undo(o)}>Undo this check-in</button></p>`
          : nothing
      }
      <h2>Scan</h2>
      ${this.#cameraError ? html`<p class="error" role="alert">${this.#cameraError}</p>` : nothing}
      ${
        this.#camera === "off"
          ? html`<button @click=${() => this.#startCamera()}>Scan with the camera</button>`
          : html`<video aria-label="Camera view" muted playsinline></video>
            <p class="muted" data-testid="scanner">${this.#camera === "starting" ? "Starting the camera…" : `Scanning (${this.#decoderName}): hold a ticket's QR code in view.`}</p>
            <button class="secondary" data-testid="stop-camera" @click=${() => this.#stopCamera()}>Stop the camera</button>`
      }
      <h2>Type a code</h2>
      <form class="manual" novalidate aria-label="Check in by code" @submit=${this.#typed}>
        <label for="f-code">Ticket code
          <input id="f-code" name="code" required maxlength="2000" autocomplete="off" autocapitalize="characters" spellcheck="false" />
        </label>
        <button type="submit" ?disabled=${this.#busy}>${this.#busy ? "Checking…" : "Check in"}</button>
      </form>
      ${
        this.#recent.length
          ? html`<h2>Recent</h2>
            <ol class="recent">${this.#recent.map(
              (r) =>
                html`<li>${new Date(r.at).toLocaleTimeString()} · <code>${r.code.length > 24 ? `${r.code.slice(0, 24)}…` : r.code}</code> · ${r.title}</li>`,
            )}</ol>`
          : nothing
      }`;
  }

  #pickList(id: string) {
    this.#listId = id;
    this.#outcome = undefined;
    this.requestUpdate();
  }

  async #createList() {
    this.#busy = true;
    this.requestUpdate();
    try {
      const made = await gk.events.checkinLists.create(this.eventId, { name: "Entrance" });
      this.#listId = made.id;
      await this.#loadLists();
    } catch (err) {
      this.#loadError = describe(err);
    }
    this.#busy = false;
    this.requestUpdate();
  }

  #typed = async (e: SubmitEvent) => {
    e.preventDefault();
    const input = (e.target as HTMLFormElement).querySelector<HTMLInputElement>("#f-code");
    const code = input?.value.trim() ?? "";
    if (!code) {
      this.#show({
        kind: "error",
        title: "Type a ticket's code",
        detail: "The code is on the ticket, under its QR code.",
        code: "",
        at: Date.now(),
      });
      input?.focus();
      return;
    }
    await this.#submit(code);
    if (input) {
      input.value = "";
      input.focus();
    }
  };

  /** Sends one code to the list and shows (and sounds) the answer. */
  async #submit(code: string) {
    const list = this.#list;
    if (!list) return;
    this.#busy = true;
    this.requestUpdate();
    let outcome: Outcome;
    try {
      const c = await gk.events.checkinLists.checkIn(list.id, code);
      const who =
        c.target.type === "guest"
          ? `${c.target.name}${c.target.plusOnes ? ` +${c.target.plusOnes}` : ""}`
          : `${c.target.name} · ticket ${c.target.code}`;
      outcome = { kind: "admitted", title: "Admitted", detail: who, code, checkin: c, at: Date.now() };
    } catch (err) {
      outcome = outcomeOf(err, code);
    }
    this.#busy = false;
    this.#show(outcome);
    void this.#refreshCount();
  }

  #show(outcome: Outcome) {
    this.#outcome = outcome;
    if (outcome.code) this.#recent = [outcome, ...this.#recent].slice(0, 8);
    this.#tone(outcome.kind === "admitted");
    this.requestUpdate();
  }

  async #refreshCount() {
    const list = this.#list;
    if (!list || !this.#lists) return;
    const fresh = await gk.events.checkinLists.retrieve(list.id).catch(() => list);
    this.#lists = this.#lists.map((l) => (l.id === fresh.id ? fresh : l));
    this.requestUpdate();
  }

  async #undo(o: Outcome) {
    const c = o.checkin;
    if (!c || !confirm("Undo this check-in? The ticket can be checked in again.")) return;
    try {
      await gk.events.checkinLists.undo(c.listId, c.id);
      this.#outcome = { ...o, kind: "refused", title: "Check-in undone", detail: o.detail, checkin: undefined, at: Date.now() };
    } catch (err) {
      this.#outcome = outcomeOf(err, o.code);
    }
    this.requestUpdate();
    void this.#refreshCount();
  }

  /** A short high tone for "admit", a low double one for anything else (the live region says which). */
  #tone(ok: boolean) {
    try {
      this.#audio ??= new AudioContext();
      const ctx = this.#audio;
      const beep = (at: number, freq: number) => {
        const osc = ctx.createOscillator();
        const gain = ctx.createGain();
        osc.frequency.value = freq;
        gain.gain.value = 0.08;
        osc.connect(gain).connect(ctx.destination);
        osc.start(ctx.currentTime + at);
        osc.stop(ctx.currentTime + at + 0.12);
      };
      if (ok) beep(0, 880);
      else {
        beep(0, 220);
        beep(0.18, 220);
      }
    } catch {
      // No audio output: the live region and the colours still say it.
    }
  }

  async #startCamera() {
    this.#cameraError = "";
    this.#camera = "starting";
    this.requestUpdate();
    try {
      if (!navigator.mediaDevices?.getUserMedia) throw new Error("This browser cannot use a camera here (it needs HTTPS).");
      const [stream, decoder] = await Promise.all([
        navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }),
        qrDecoder(),
      ]);
      this.#stream = stream;
      this.#decoderName = decoder.name;
      this.#camera = "on";
      this.requestUpdate();
      await this.updateComplete;
      const video = this.renderRoot.querySelector("video");
      if (!video) throw new Error("The camera view is gone.");
      video.srcObject = stream;
      await video.play();
      this.#scan(video, decoder.decode);
    } catch (err) {
      this.#stopCamera();
      this.#cameraError = `The camera could not start: ${err instanceof Error ? err.message : String(err)}. Type the code instead.`;
      this.requestUpdate();
    }
  }

  #scan(video: HTMLVideoElement, decode: Decoder) {
    const canvas = document.createElement("canvas");
    const ctx = canvas.getContext("2d", { willReadFrequently: true });
    if (!ctx) throw new Error("No canvas to read the camera's frames.");
    const tick = async () => {
      if (this.#camera !== "on") return;
      if (video.videoWidth && !this.#busy) {
        const scale = Math.min(1, 800 / Math.max(video.videoWidth, video.videoHeight));
        canvas.width = Math.round(video.videoWidth * scale);
        canvas.height = Math.round(video.videoHeight * scale);
        ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
        const code = await decode(canvas, ctx).catch(() => null);
        const now = Date.now();
        if (code && (code !== this.#last.code || now - this.#last.at > REPEAT_MS)) {
          this.#last = { code, at: now };
          await this.#submit(code);
        } else if (code) this.#last.at = now;
      }
      this.#timer = setTimeout(tick, SCAN_EVERY_MS);
    };
    void tick();
  }

  #stopCamera() {
    clearTimeout(this.#timer);
    for (const track of this.#stream?.getTracks() ?? []) track.stop();
    this.#stream = undefined;
    this.#camera = "off";
    this.requestUpdate();
  }
}

customElements.define("gk-dash-checkin", CheckinPage);
