import { describe, expect, it } from "vitest";
import { EmptyNotificationError, gsm7Length, isTransactional, renderNotification } from "./templates.js";

describe("templates", () => {
  it("escape what users typed in the HTML email, keep it as typed in text, SMS and push", () => {
    const r = renderNotification("plan_finalized", {
      planTitle: `<img src=x onerror="alert(1)"> & "friends"`,
      startDate: "2026-07-01",
      link: "https://host.example/p?a=1&b=2",
    });
    expect(r.email.html).not.toContain("<img");
    expect(r.email.html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &quot;friends&quot;");
    expect(r.email.html).toContain('<a href="https://host.example/p?a=1&amp;b=2">Open the plan</a>');
    expect(r.email.subject).toBe(`<img src=x onerror="alert(1)"> & "friends" is on`);
    expect(r.email.text).toContain("When: 2026-07-01");
    expect(r.push).toMatchObject({ title: r.email.subject, url: "https://host.example/p?a=1&b=2" });
    expect(r.inbox.link).toBe("https://host.example/p?a=1&b=2");
  });

  it("fit an SMS into one GSM-7 segment by shortening the title, never the link", () => {
    const link = "https://host.example/j/abcdefghijklmnopqrstuv";
    const r = renderNotification("plan_finalized", { planTitle: "A very long plan title ".repeat(10), link });
    expect(r.sms.length).toBeLessThanOrEqual(160);
    expect(r.sms.endsWith(` ${link}`)).toBe(true);
    expect(gsm7Length("Hello [x]")).toBe(11);
    expect(gsm7Length("Grüße 🎉")).toBeUndefined();
    // Outside GSM-7 a segment holds 70 characters.
    expect(renderNotification("plan_finalized", { planTitle: "🎉 party ".repeat(20), link }).sms.length).toBeLessThanOrEqual(70);
    // An invite's subject is fixed (the sender cannot choose it), in every channel.
    const invite = renderNotification("plan_invite", { planTitle: "🎉 Prize! Call now", link });
    expect(invite.sms).toBe(`You're invited to join a plan ${link}`);
    expect(invite.email.subject).toBe("You're invited to join a plan");
  });

  it("refuse to render empty, and refuse links that are not http(s)", () => {
    expect(() => renderNotification("plan_cancelled", { planTitle: "   " })).not.toThrow(); // the body still says something
    expect(() => renderNotification("plan_invite", { planTitle: "x", link: "javascript:alert(1)" })).toThrow(EmptyNotificationError);
  });

  it("add the unsubscribe link to both bodies", () => {
    const r = renderNotification(
      "plan_invite",
      { planTitle: "Trip", link: "https://h.example/j" },
      { unsubscribeUrl: "https://api.example/v1/unsubscribe/t.s" },
    );
    expect(r.email.text).toContain("Unsubscribe: https://api.example/v1/unsubscribe/t.s");
    expect(r.email.html).toContain('<a href="https://api.example/v1/unsubscribe/t.s">Unsubscribe</a>');
  });

  it("render the calendars domain's calendar_connection_invalid: transactional, the client's name escaped, how to reconnect", () => {
    const r = renderNotification("calendar_connection_invalid", { clientName: "<b>Acme</b>", clientId: "cli_1" });
    expect(r.inbox.title).toBe("Reconnect <b>Acme</b>'s Google Calendar");
    expect(r.inbox.body).toContain("POST /v1/clients/cli_1/connection/authorize");
    expect(r.email.html).toContain("&lt;b&gt;Acme&lt;/b&gt;");
    expect(r.email.html).not.toContain("<b>Acme");
    expect(r.email.text).toContain("You get this email because it tells you that a calendar connection you set up stopped working");
    expect(isTransactional("calendar_connection_invalid")).toBe(true);
  });
});
