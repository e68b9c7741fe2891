import { expect } from "@open-wc/testing";
import { imageSrcset } from "./image.js";

describe("imageSrcset", () => {
  it("lists an upload's copies (?w=320, 640, 1280) and nothing for any other image", () => {
    const upload = "https://api.test/v1/files/file_0123456789abcdefghjk";
    expect(imageSrcset(upload)).to.equal(`${upload}?w=320 320w, ${upload}?w=640 640w, ${upload}?w=1280 1280w`);
    expect(imageSrcset("https://images.example.com/boat.jpg")).to.equal(undefined);
    expect(imageSrcset(`${upload}?w=640`)).to.equal(undefined);
    expect(imageSrcset("https://api.test/v1/files/not-an-upload")).to.equal(undefined);
    expect(imageSrcset("data:image/png;base64,AAAA")).to.equal(undefined);
  });
});
