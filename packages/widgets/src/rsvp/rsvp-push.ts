import type { GatherkitClient, PushRegistration } from "@gatherkit/sdk";
import { GuestPush } from "@gatherkit/sdk/guest-push";
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
 * this device. Its sentences are here, in the languages `<gk-rsvp>` speaks.
 */
const TABLES = {
  en: {
    offer: "Remind me on this device",
    on: "Reminders will come to this device.",
    blocked: "Notifications are blocked for this site: allow them in your browser's settings to get reminders here.",
    failed: "This device could not be subscribed. Try again.",
  },
  de: {
    offer: "Auf diesem Gerät erinnern",
    on: "Erinnerungen kommen auf dieses Gerät.",
    blocked:
      "Benachrichtigungen sind für diese Seite blockiert: Erlauben Sie sie in den Browser-Einstellungen, um hier erinnert zu werden.",
    failed: "Dieses Gerät konnte nicht angemeldet werden. Bitte erneut versuchen.",
  },
  fr: {
    offer: "Me le rappeler sur cet appareil",
    on: "Les rappels arriveront sur cet appareil.",
    blocked: "Les notifications sont bloquées pour ce site : autorisez-les dans les réglages du navigateur pour recevoir les rappels ici.",
    failed: "Impossible d'abonner cet appareil. Réessayez.",
  },
  es: {
    offer: "Recordármelo en este dispositivo",
    on: "Los recordatorios llegarán a este dispositivo.",
    blocked:
      "Las notificaciones están bloqueadas para este sitio: permítelas en la configuración del navegador para recibir recordatorios aquí.",
    failed: "No se pudo suscribir este dispositivo. Inténtalo de nuevo.",
  },
  ar: {
    offer: "ذكّرني على هذا الجهاز",
    on: "ستصل التذكيرات إلى هذا الجهاز.",
    blocked: "الإشعارات محظورة لهذا الموقع: اسمح بها في إعدادات المتصفح لتصلك التذكيرات هنا.",
    failed: "تعذّر اشتراك هذا الجهاز. حاول مرة أخرى.",
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
  declare registration: PushRegistration | undefined;
  declare locale: string;
  /** The host's own sentences over the locale's. */
  declare strings: Partial<RsvpPushStrings> | undefined;
  declare protected state: "offer" | "on" | "blocked";
  /** The registration to subscribe: the one given, else the page's own; none, nothing shows. */
  declare protected found: PushRegistration | undefined;

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
      const reg = given ?? (await globalThis.navigator.serviceWorker?.getRegistration());
      if (this.registration === given) this.found = reg?.pushManager ? reg : undefined;
    } catch {
      this.found = undefined;
    }
  }

  errorMessage(error: unknown): string {
    return (error as { name?: string })?.name === "NotAllowedError" ? this.#t.blocked : this.#t.failed;
  }

  override render() {
    const t = this.#t;
    if (!this.found) return nothing;
    if (this.state !== "offer") {
      return html`<p part="push-status" id="push-status" role="status" tabindex="-1">${this.state === "on" ? t.on : t.blocked}</p>`;
    }
    const busy = this.#actions.busy("push");
    return html`<button part="button push-button" type="button" aria-disabled=${busy ? "true" : "false"} @click=${this.#subscribe}>
        ${t.offer}</button
      >${this.#actions.renderProblem("push")}`;
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
