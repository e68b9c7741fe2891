import { PublishableKeys } from "@gatherkit/sdk";
import { html } from "lit";
import { defineElement, GkElement } from "../src/base/index.js";

/**
 * Test-only widget: loads `/v1/health` (or the page of publishable keys, which can be empty)
 * through its client and renders it with the shared state views.
 */
export class TestLoader extends GkElement {
  static override properties = { resource: {} };
  declare resource: "health" | "publishable-keys";

  constructor() {
    super();
    this.resource = "health";
  }

  readonly data = this.load(
    () => [this.resource] as const,
    async (gk, [resource], { signal }) =>
      resource === "health" ? await gk.health({ signal }) : await new PublishableKeys(gk).list({}, { signal }),
  );

  /** The client this widget resolved, for tests of configuration and context. */
  get resolvedClient() {
    return this.gatherkit;
  }

  override render() {
    return this.renderTask(this.data, {
      complete: (value) =>
        html`<p part="content">${"status" in value ? `API ${value.version} is ${value.status}` : `${value.data.length} keys`}</p>`,
      messages: { loaded: "Loaded." },
    });
  }
}
defineElement("gk-test-loader", TestLoader);

/** Test-only widget that renders a `gk-test-loader` inside its own shadow root. */
export class TestPanel extends GkElement {
  override render() {
    return html`<gk-test-loader></gk-test-loader>`;
  }
}
defineElement("gk-test-panel", TestPanel);

declare global {
  interface HTMLElementTagNameMap {
    "gk-test-loader": TestLoader;
    "gk-test-panel": TestPanel;
  }
}
