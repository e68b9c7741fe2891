import { expect } from "@open-wc/testing";
import { loadOnce } from "./util.js";

describe("loadOnce (code fetched after the first data)", () => {
  it("loads once for every caller, and tries again after a failure", async () => {
    let calls = 0;
    let fail = true;
    const load = loadOnce(async () => {
      calls++;
      if (fail) throw new Error("chunk did not arrive");
      return "module";
    });
    const [a, b] = await Promise.allSettled([load(), load()]);
    expect(a.status).to.equal("rejected");
    expect(b.status).to.equal("rejected");
    expect(calls).to.equal(1);

    fail = false;
    expect(await load()).to.equal("module");
    expect(await load()).to.equal("module");
    expect(calls).to.equal(2);
  });
});
