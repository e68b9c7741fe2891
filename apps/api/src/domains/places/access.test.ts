import { places } from "@gatherkit/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { newOrg, secretKeyCaller, type TestOrg } from "../../../test/fixtures.js";
import { createTestApp, type TestApp } from "../../../test/harness.js";
import { newPlace } from "../../../test/place-fixtures.js";
import { loadPlace, placeColumns, placeRead } from "./access.js";

let t: TestApp;
let a: TestOrg;
let b: TestOrg;
beforeAll(async () => {
  t = await createTestApp();
  a = await newOrg(t);
  b = await newOrg(t);
});
afterAll(() => t.close());

describe("a booking's read of the place", () => {
  it("is built once per database, not per call, and reads what the built-each-time query reads (rating included)", async () => {
    const place = await newPlace(t, a, { name: "Garage" });
    placeRead(t.deps);
    const select = vi.spyOn(t.deps.db, "select");
    for (let i = 0; i < 3; i++) expect((await loadPlace(t.deps, secretKeyCaller(a), place.id)).id).toBe(place.id);
    expect(select).not.toHaveBeenCalled();
    select.mockRestore();
    const [built] = await t.deps.db.select(placeColumns).from(places).where(eq(places.id, place.id));
    expect(await loadPlace(t.deps, secretKeyCaller(a), place.id)).toEqual(built);
    await expect(loadPlace(t.deps, secretKeyCaller(b), place.id)).rejects.toMatchObject({ status: 404 });
  });
});
