import { createServer, type Server } from "node:http";
import { AwsV4Signer } from "aws4fetch";

/** An S3 stand-in: presigned PUTs and the API's own header-signed PUTs (signatures recomputed and compared), signed GETs (ranged or whole), 404s. */
export async function startS3StandIn(creds: { accessKeyId: string; secretAccessKey: string; region: string }) {
  const objects = new Map<string, { type: string; body: Buffer }>();
  const refused: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
      const url = new URL(req.url ?? "/", `http://${req.headers.host}`);
      const key = decodeURIComponent(url.pathname);
      if (req.method === "PUT" && req.headers.authorization) {
        // The API's own writes (an image's copies): signed in the Authorization header, recomputed here.
        const auth = String(req.headers.authorization);
        const signedHeaders = /SignedHeaders=([^,]+)/.exec(auth)?.[1]?.split(";") ?? [];
        const headers = Object.fromEntries(signedHeaders.filter((h) => h !== "host").map((h) => [h, String(req.headers[h])]));
        const expected = await new AwsV4Signer({
          ...creds,
          service: "s3",
          method: "PUT",
          url: url.toString(),
          headers,
          datetime: String(req.headers["x-amz-date"]),
        }).sign();
        if (expected.headers.get("authorization") !== auth) {
          refused.push(key);
          res.statusCode = 403;
          return res.end("<Error><Code>SignatureDoesNotMatch</Code></Error>");
        }
        objects.set(key, { type: String(req.headers["content-type"]), body: Buffer.concat(chunks) });
        return res.end();
      }
      if (req.method === "PUT") {
        const given = url.searchParams.get("X-Amz-Signature");
        url.searchParams.delete("X-Amz-Signature");
        const headers = { "content-type": String(req.headers["content-type"]), "content-length": String(req.headers["content-length"]) };
        const expected = await new AwsV4Signer({
          ...creds,
          service: "s3",
          method: "PUT",
          url: url.toString(),
          headers,
          signQuery: true,
          allHeaders: true,
          datetime: url.searchParams.get("X-Amz-Date") ?? "",
        }).sign();
        if (!given || expected.url.searchParams.get("X-Amz-Signature") !== given) {
          refused.push(key);
          res.statusCode = 403;
          return res.end("<Error><Code>SignatureDoesNotMatch</Code></Error>");
        }
        objects.set(key, { type: headers["content-type"], body: Buffer.concat(chunks) });
        return res.end();
      }
      if (req.method === "GET") {
        const o = objects.get(key);
        if (!o) {
          res.statusCode = 404;
          return res.end("<Error><Code>NoSuchKey</Code></Error>");
        }
        const range = /bytes=(\d+)-(\d+)/.exec(String(req.headers.range ?? ""));
        if (range && req.headers.authorization?.startsWith("AWS4-HMAC-SHA256")) {
          const [from, to] = [Number(range[1]), Math.min(Number(range[2]), o.body.length - 1)];
          res.writeHead(206, { "content-type": o.type, "content-range": `bytes ${from}-${to}/${o.body.length}` });
          return res.end(o.body.subarray(from, to + 1));
        }
        res.writeHead(200, { "content-type": o.type });
        return res.end(o.body);
      }
      res.statusCode = 405;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const a = server.address();
  return {
    url: `http://127.0.0.1:${typeof a === "object" && a ? a.port : 0}`,
    objects,
    refused,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
