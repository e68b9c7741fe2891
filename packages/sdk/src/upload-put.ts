import type { Fetch } from "./core.js";
import { APIConnectionError, GatherkitError } from "./errors.js";

interface Target {
  method: "PUT";
  url: string;
  headers: Record<string, string>;
}

/**
 * PUTs `file` to a signed storage URL: with `XMLHttpRequest` where there is one and progress is
 * wanted (fetch reports no upload progress), else with `fetch`. Storage refuses another type or size.
 */
export async function putFile(
  target: Target,
  file: Blob,
  fetchImpl: Fetch | undefined,
  options: { onProgress?: (sent: number, total: number) => void; signal?: AbortSignal | undefined },
): Promise<void> {
  const { onProgress, signal } = options;
  const fail = (status: number) => new GatherkitError(`Storage refused the upload (HTTP ${status}).`);
  if (onProgress && typeof XMLHttpRequest === "function") {
    await new Promise<void>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open(target.method, target.url);
      for (const [k, v] of Object.entries(target.headers)) xhr.setRequestHeader(k, v);
      xhr.upload.onprogress = (e) => onProgress(e.loaded, file.size);
      xhr.onload = () => (xhr.status >= 200 && xhr.status < 300 ? resolve() : reject(fail(xhr.status)));
      xhr.onerror = () => reject(new APIConnectionError("The upload to storage failed."));
      xhr.onabort = () => reject(new GatherkitError("The upload was aborted."));
      signal?.addEventListener("abort", () => xhr.abort(), { once: true });
      xhr.send(file);
    });
  } else {
    const res = await (fetchImpl ?? globalThis.fetch)(target.url, {
      method: target.method,
      headers: target.headers,
      body: file,
      signal: signal ?? null,
    });
    if (!res.ok) throw fail(res.status);
  }
  onProgress?.(file.size, file.size);
}
