import type { CalendarConnection } from "@gatherkit/sdk";
import { css, html, nothing, type TemplateResult } from "lit";
import { dateTime } from "../ui.js";

/** The quota meter's look (the client page adds it to its styles). */
export const quotaStyles = css`
  .quota meter { width: 12rem; max-width: 100%; height: 1.1rem; vertical-align: middle; }
  .quota p { margin: 0.25rem 0; }
`;

/**
 * A connection's use of Google's Calendar API today (`quota` on GET …/connection): the calls sent
 * (retries included) as text, and as a meter the share of them Google refused with a rate limit
 * — Google publishes no per-connection budget to measure against, and refusals are how a
 * connection learns it is running into one. Green at none, amber from 1 %, red from 10 %.
 */
export function quotaMeter(quota: CalendarConnection["quota"]): TemplateResult {
  const { callsToday: calls, rateLimitedToday: limited, backoffsToday: waits } = quota;
  const max = Math.max(calls, 1);
  const share = calls ? (limited / calls) * 100 : 0;
  const pct = share === 0 || share >= 10 ? Math.round(share).toString() : share.toFixed(1);
  return html`<section class="quota" aria-labelledby="quota-title" data-testid="quota">
    <h3 id="quota-title">Google API use today</h3>
    <p data-testid="quota-calls">${calls.toLocaleString()} ${calls === 1 ? "call" : "calls"} to Google on ${quota.day} (UTC day).</p>
    <p class="row">
      <label class="inline" for="quota-meter">Refused for rate limits</label>
      <meter id="quota-meter" min="0" max=${max} low=${max * 0.01} high=${max * 0.1} optimum="0" .value=${limited}
        aria-describedby="quota-share">${limited} of ${calls}</meter>
      <span id="quota-share" data-testid="quota-share">${limited.toLocaleString()} of ${calls.toLocaleString()} (${pct} %)</span>
    </p>
    <p class="muted">
      ${waits ? `${waits.toLocaleString()} ${waits === 1 ? "wait" : "waits"} before a retry today.` : "No waits before a retry today."}
      ${quota.lastRateLimitedAt ? html`Last rate-limited ${dateTime(quota.lastRateLimitedAt)}.` : nothing}
    </p>
  </section>`;
}
