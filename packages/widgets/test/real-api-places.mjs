// Test-runner plugin: a fresh neighbourhood of places in the real API (started by ./real-api.mjs)
// for each request to `/__gatherkit-api/places.json`, made server-side with the demo
// organization's secret key. Each answer has its own center (far from the others'), so a search
// sees only its own places:
//   - "Garage Alfa": parking, 3 spots, €4.00 an hour, 100 m from the center
//   - "Lot Bravo": parking, 1 spot, already booked for the whole window (full)
//   - "Room Charlie": a room booked by 60-minute slots (09:00–17:00 UTC, €20.00 a slot), away from the center
//   - "Room Foxtrot": like Room Charlie, paid online
//   - "Paid Echo": parking paid online (the local payments provider), 2 spots, €4.00 an hour, 55 km away
// and `/__gatherkit-api/pay.json?url=<checkout URL>` pays on the local provider's checkout page.
// The window is tomorrow 10:00–12:00 UTC; `slotDate` is tomorrow.

/** @param {{ ready(): Promise<{ apiBase: string, secretKey: string }> }} api the realApi() plugin */
/** `prefix`: where its answers are served (another API instance gets another prefix). */
export function realApiPlaces(api, prefix = "/__gatherkit-api") {
  let n = 0;
  /** @type {Map<string, Promise<string>>} a publishable key per page origin */
  const keys = new Map();

  async function newArea(origin) {
    const { apiBase, secretKey } = await api.ready();
    const call = async (method, path, body) => {
      const res = await fetch(apiBase + path, {
        method,
        headers: { authorization: `Bearer ${secretKey}`, "content-type": "application/json" },
        body: body && JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
      return res.json();
    };
    if (!keys.has(origin)) {
      keys.set(
        origin,
        call("POST", "/v1/publishable-keys", { name: "Places widget tests", allowedOrigins: [origin] }).then(
          (k) => k.key,
          (error) => {
            keys.delete(origin);
            throw error;
          },
        ),
      );
    }
    const publishableKey = await keys.get(origin);
    n += 1;
    const lat = -60 + n * 0.5;
    const lng = 20;
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const start = `${tomorrow}T10:00:00.000Z`;
    const durationMinutes = 120;
    const address = { line1: "Rua Augusta 24", city: "Lisbon", country: "PT" };
    const parking = (name, capacity, dLat) =>
      call("POST", "/v1/places", {
        kind: "parking",
        name,
        address,
        location: { lat: lat + dLat, lng },
        timeZone: "UTC",
        capacity,
        pricing: { mode: "hourly", currency: "EUR", perHour: 400 },
        features: ["covered"],
      });
    const garage = await parking("Garage Alfa", 3, 0.0009);
    const lot = await parking("Lot Bravo", 1, 0.0018);
    await call("POST", "/v1/bookings", { placeId: lot.id, start, durationMinutes, contact: { name: "Early Bird" } });
    const hours = [{ open: "09:00", close: "17:00" }];
    const room = await call("POST", "/v1/places", {
      kind: "room",
      name: "Room Charlie",
      address,
      location: { lat: lat + 0.2, lng },
      timeZone: "UTC",
      capacity: 1,
      pricing: { mode: "slot", currency: "EUR", perSlot: 2000 },
      slots: { lengthMinutes: 60, bufferMinutes: 0 },
      openingHours: { weekly: Object.fromEntries(["sun", "mon", "tue", "wed", "thu", "fri", "sat"].map((d) => [d, hours])) },
    });
    // Paid online (the local payments provider), a degree of longitude (55 km) east of the rest.
    const paid = await call("POST", "/v1/places", {
      kind: "parking",
      name: "Paid Echo",
      address,
      location: { lat, lng: lng + 1 },
      timeZone: "UTC",
      capacity: 2,
      pricing: { mode: "hourly", currency: "EUR", perHour: 400 },
      onlinePayment: true,
    });
    const paidRoom = await call("POST", "/v1/places", {
      kind: "room",
      name: "Room Foxtrot",
      address,
      location: { lat: lat + 0.2, lng: lng + 1 },
      timeZone: "UTC",
      capacity: 1,
      pricing: { mode: "slot", currency: "EUR", perSlot: 2000 },
      slots: { lengthMinutes: 60, bufferMinutes: 0 },
      openingHours: { weekly: Object.fromEntries(["sun", "mon", "tue", "wed", "thu", "fri", "sat"].map((d) => [d, hours])) },
      onlinePayment: true,
    });
    return {
      apiBase,
      publishableKey,
      paidRoomId: paidRoom.id,
      center: `${lat},${lng}`,
      paidCenter: `${lat},${lng + 1}`,
      paidId: paid.id,
      start,
      durationMinutes,
      garageId: garage.id,
      lotId: lot.id,
      roomId: room.id,
      slotDate: tomorrow,
    };
  }

  return {
    name: `gatherkit-real-api-places${prefix}`,
    async serve(context) {
      if (context.path === `${prefix}/pay.json`) {
        // Pays on the local provider's checkout page, as the booker would in the tab the widget opened.
        const url = new URL(String(context.query.url ?? ""));
        const res = await fetch(new URL("/v1/payments/local/checkout", url), {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ token: url.searchParams.get("token") ?? "", outcome: "pay" }).toString(),
          redirect: "manual",
        });
        return { body: JSON.stringify({ status: res.status }), type: "json" };
      }
      if (context.path !== `${prefix}/places.json`) return undefined;
      try {
        return { body: JSON.stringify(await newArea(`${context.protocol}://${context.host}`)), type: "json" };
      } catch (error) {
        context.status = 500;
        return { body: JSON.stringify({ error: String(error?.stack ?? error) }), type: "json" };
      }
    },
  };
}
