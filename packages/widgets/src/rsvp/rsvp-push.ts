import type { GatherkitClient, PushRegistration } from "@gatherkit/sdk";
import { GuestPush, type GuestPushRegistration } from "@gatherkit/sdk/guest-push";
import { css, html, LitElement, nothing, type PropertyDeclarations } from "lit";
import { ActionController } from "../base/action-controller.js";
import { defineElement } from "../base/define.js";
import { GkElement } from "../base/gk-element.js";

/**
 * `<gk-rsvp>`'s "Remind me on this device": loaded on demand (its own chunk) once a guest who said
 * yes or maybe sees their confirmation in a browser with the Push API, and shown only when the page
 * has a service worker registration (given, or the page's own) that can receive push. It asks
 * the API for its VAPID key through the guest's link, subscribes the page's registration and
 * sends the subscription (`GuestPush`), so the event's reminders and agenda changes also reach
 * this device. Once subscribed (here, or found subscribed when it loads) it is a toggle: "Stop
 * reminders on this device" drops the subscription at the API and in the browser. Its sentences
 * are here, in the languages `<gk-rsvp>` speaks.
 */
type Registration = PushRegistration & { pushManager: Partial<GuestPushRegistration["pushManager"]> };
const TABLES = {
  en: {
    offer: "Remind me on this device",
    on: "Reminders will come to this device.",
    blocked: "Notifications are blocked for this site: allow them in your browser's settings to get reminders here.",
    failed: "This device could not be subscribed. Try again.",
    stop: "Stop reminders on this device",
    off: "Reminders no longer come to this device.",
    stopFailed: "Reminders could not be stopped on this device. Try again.",
  },
  de: {
    offer: "Auf diesem Gerät erinnern",
    on: "Erinnerungen kommen auf dieses Gerät.",
    blocked:
      "Benachrichtigungen sind für diese Seite blockiert: Erlauben Sie sie in den Browser-Einstellungen, um hier erinnert zu werden.",
    failed: "Dieses Gerät konnte nicht angemeldet werden. Bitte erneut versuchen.",
    stop: "Erinnerungen auf diesem Gerät beenden",
    off: "Erinnerungen kommen nicht mehr auf dieses Gerät.",
    stopFailed: "Die Erinnerungen konnten auf diesem Gerät nicht beendet werden. Bitte erneut versuchen.",
  },
  fr: {
    offer: "Me le rappeler sur cet appareil",
    on: "Les rappels arriveront sur cet appareil.",
    blocked: "Les notifications sont bloquées pour ce site : autorisez-les dans les réglages du navigateur pour recevoir les rappels ici.",
    failed: "Impossible d'abonner cet appareil. Réessayez.",
    stop: "Arrêter les rappels sur cet appareil",
    off: "Les rappels n'arriveront plus sur cet appareil.",
    stopFailed: "Impossible d'arrêter les rappels sur cet appareil. Réessayez.",
  },
  es: {
    offer: "Recordármelo en este dispositivo",
    on: "Los recordatorios llegarán a este dispositivo.",
    blocked:
      "Las notificaciones están bloqueadas para este sitio: permítelas en la configuración del navegador para recibir recordatorios aquí.",
    failed: "No se pudo suscribir este dispositivo. Inténtalo de nuevo.",
    stop: "Dejar de recordármelo en este dispositivo",
    off: "Los recordatorios ya no llegarán a este dispositivo.",
    stopFailed: "No se pudieron detener los recordatorios en este dispositivo. Inténtalo de nuevo.",
  },
  ar: {
    offer: "ذكّرني على هذا الجهاز",
    on: "ستصل التذكيرات إلى هذا الجهاز.",
    blocked: "الإشعارات محظورة لهذا الموقع: اسمح بها في إعدادات المتصفح لتصلك التذكيرات هنا.",
    failed: "تعذّر اشتراك هذا الجهاز. حاول مرة أخرى.",
    stop: "أوقف التذكيرات على هذا الجهاز",
    off: "لن تصل التذكيرات إلى هذا الجهاز بعد الآن.",
    stopFailed: "تعذّر إيقاف التذكيرات على هذا الجهاز. حاول مرة أخرى.",
  },
};
export type RsvpPushStrings = (typeof TABLES)["en"];

export class GkRsvpPush extends LitElement {
  static override styles = [GkElement.styles, css`p { margin: 0; }`];
  static override properties: PropertyDeclarations = {
    client: { attribute: false },
    event: { attribute: false },
    token: { attribute: false },
    registration: { attribute: false },
    locale: { attribute: false },
    strings: { attribute: false },
    state: { state: true },
    found: { state: true },
  };

  declare client: GatherkitClient | undefined;
  declare event: string | undefined;
  declare token: string | undefined;
  declare registration: Registration | undefined;
  declare locale: string;
  /** The host's own sentences over the locale's. */
  declare strings: Partial<RsvpPushStrings> | undefined;
  declare protected state: "offer" | "on" | "off" | "blocked";
  /** The registration to subscribe: the one given, else the page's own; none, nothing shows. */
  declare protected found: Registration | undefined;

  readonly #actions = new ActionController(this);

  constructor() {
    super();
    this.locale = "en";
    this.state = globalThis.Notification?.permission === "denied" ? "blocked" : "offer";
  }

  get #t(): RsvpPushStrings {
    const lang = this.locale.split("-")[0] as keyof typeof TABLES;
    return { ...(TABLES[lang] ?? TABLES.en), ...this.strings };
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has("registration") || !this.hasUpdated) void this.#find(this.registration);
  }

  async #find(given: PushRegistration | undefined): Promise<void> {
    try {
      const reg: Registration | undefined = given ?? (await globalThis.navigator.serviceWorker?.getRegistration());
      // Already subscribed in this browser: offer to stop.
      if (reg?.pushManager?.getSubscription && (await reg.pushManager.getSubscription()) && this.state === "offer") this.state = "on";
      if (this.registration === given) this.found = reg?.pushManager ? reg : undefined;
    } catch {
      this.found = undefined;
    }
  }

  errorMessage(error: unknown): string {
    if ((error as { name?: string })?.name === "NotAllowedError") return this.#t.blocked;
    return this.state === "on" ? this.#t.stopFailed : this.#t.failed;
  }

  override render() {
    const t = this.#t;
    if (!this.found) return nothing;
    const on = this.state === "on";
    const status =
      this.state === "offer"
        ? nothing
        : html`<p part="push-status" id="push-status" role="status" tabindex="-1">${on ? t.on : this.state === "off" ? t.off : t.blocked}</p>`;
    // Blocked, or subscribed where this browser cannot tell its subscription back: nothing to press.
    if (this.state === "blocked" || (on && !this.found.pushManager.getSubscription)) return status;
    const busy = this.#actions.busy("push");
    return html`${status}<button part="button push-button" type="button" aria-disabled=${busy ? "true" : "false"} @click=${on ? this.#unsubscribe : this.#subscribe}>
        ${on ? t.stop : t.offer}</button
      >${this.#actions.renderProblem("push")}`;
  }

  async #unsubscribe(): Promise<void> {
    const { client, event, token, found } = this;
    if (!client || !event || !token || !found?.pushManager.getSubscription) return;
    const registration = found as GuestPushRegistration;
    await this.#actions.run(
      "push",
      async () => {
        await new GuestPush(client).unsubscribe(event, token, registration);
        this.state = "off";
      },
      { focus: "#push-status", focusOnError: "#push-status" },
    );
  }

  async #subscribe(): Promise<void> {
    const { client, event, token, found: registration } = this;
    if (!client || !event || !token || !registration) return;
    await this.#actions.run(
      "push",
      async () => {
        const sub = await new GuestPush(client).subscribe(event, token, registration);
        this.state = "on";
        return sub;
      },
      {
        focus: "#push-status",
        focusOnError: "#push-status",
        onError: (error) => {
          if ((error as { name?: string })?.name === "NotAllowedError") this.state = "blocked";
        },
      },
    );
  }
}

defineElement("gk-rsvp-push", GkRsvpPush);

declare global {
  interface HTMLElementTagNameMap {
    "gk-rsvp-push": GkRsvpPush;
  }
}
