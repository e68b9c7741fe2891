// What the real-API test plugins share: calls to the real API (started by ./real-api.mjs) as the
// demo organization's secret key, which never reaches the page, and one publishable key per page
// origin, made on first use.

/** @param {{ ready(): Promise<{ apiBase: string, secretKey: string }> }} api the realApi() plugin */
export function realApiCaller(api, keyName) {
  /** @type {Map<string, Promise<string>>} a publishable key per page origin */
  const keys = new Map();

  async function call(method, path, body, token) {
    const { apiBase, secretKey } = await api.ready();
    const res = await fetch(apiBase + path, {
      method,
      headers: { authorization: `Bearer ${token ?? secretKey}`, "content-type": "application/json" },
      body: body && JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
    return res.json();
  }

  function keyFor(origin) {
    if (!keys.has(origin)) {
      keys.set(
        origin,
        call("POST", "/v1/publishable-keys", { name: keyName, allowedOrigins: [origin] }).then(
          (k) => k.key,
          (error) => {
            keys.delete(origin);
            throw error;
          },
        ),
      );
    }
    return keys.get(origin);
  }

  /** A test-runner `serve` hook answering `path` with `make(origin, query)` as JSON (500 with the reason if it throws). */
  const serveJson = (path, make) => async (context) => {
    if (context.path !== path) return undefined;
    try {
      return { body: JSON.stringify(await make(`${context.protocol}://${context.host}`, context.query)), type: "json" };
    } catch (error) {
      context.status = 500;
      return { body: JSON.stringify({ error: String(error?.stack ?? error) }), type: "json" };
    }
  };

  return { call, keyFor, serveJson };
}
