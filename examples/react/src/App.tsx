import "@gatherkit/widgets/connection-check";
import "@gatherkit/widgets/ticket-checkout";
import { useEffect, useState } from "react";
import { LOCALES, loadSession, type Session } from "../../shared/session.ts";

let logged = 0;

export function App() {
  const [session, setSession] = useState<Session>();
  const [failure, setFailure] = useState<string>();
  const [locale, setLocale] = useState("en");
  const [log, setLog] = useState<{ id: number; line: string }[]>([]);
  const add = (line: string) => setLog((lines) => [...lines, { id: ++logged, line }]);

  useEffect(() => {
    loadSession().then(setSession, (e: unknown) => setFailure(String(e)));
  }, []);

  if (failure) return <p role="alert">{failure}</p>;
  if (!session) return <p>Signing in…</p>;
  return (
    <main>
      <h1>Gatherkit widgets in React</h1>
      <p>Signed in to this site as {session.user.name}; its server minted a participant token for them with the SDK.</p>
      <label>
        Language{" "}
        <select value={locale} onChange={(e) => setLocale(e.target.value)}>
          {LOCALES.map(([tag, name]) => (
            <option key={tag} value={tag}>
              {name}
            </option>
          ))}
        </select>
      </label>
      <gk-connection-check
        api-base={session.apiBase}
        token={session.token}
        locale={locale}
        ongk-connected={(e) => add(`gk-connected: ${e.detail.origin} (API ${e.detail.version})`)}
      />
      <gk-ticket-checkout
        api-base={session.apiBase}
        publishable-key={session.publishableKey}
        event={session.eventId}
        locale={locale}
        strings={{ again: "Buy more for your friends" }}
        ongk-checkout-started={(e) => add(`gk-checkout-started: ${e.detail.orderId}`)}
        ongk-checkout-complete={(e) => add(`gk-checkout-complete: ${e.detail.confirmationCode}`)}
        ongk-error={(e) => add(`gk-error: ${e.detail.code ?? e.detail.message}`)}
      />
      <h2>Events</h2>
      <ol id="log" aria-label="Widget events">
        {log.map(({ id, line }) => (
          <li key={id}>{line}</li>
        ))}
      </ol>
    </main>
  );
}
