import type { Page as PageBody } from "@gatherkit/core";
import { GatherkitError } from "./errors.js";

/**
 * One page of a cursor-paginated list. `for await (const item of page)` walks this page and
 * every page after it.
 */
export class Page<T> implements AsyncIterable<T> {
  readonly data: T[];
  /** Pass as `cursor` to get the next page; `null` on the last page. */
  readonly nextCursor: string | null;
  readonly #fetchPage: (cursor: string) => Promise<Page<T>>;

  constructor(body: PageBody<T>, fetchPage: (cursor: string) => Promise<Page<T>>) {
    this.data = body.data;
    this.nextCursor = body.nextCursor;
    this.#fetchPage = fetchPage;
  }

  hasNextPage(): boolean {
    return this.nextCursor !== null;
  }

  /** The next page, with the same `limit` and request options. Check `hasNextPage()` first. */
  getNextPage(): Promise<Page<T>> {
    if (this.nextCursor === null) {
      return Promise.reject(new GatherkitError("This is the last page: check hasNextPage() before getNextPage()."));
    }
    return this.#fetchPage(this.nextCursor);
  }

  /** This page and the ones after it, one request per page, fetched as you iterate. */
  async *iterPages(): AsyncGenerator<Page<T>, void, undefined> {
    let page: Page<T> = this;
    yield page;
    while (page.hasNextPage()) {
      page = await page.getNextPage();
      yield page;
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for await (const page of this.iterPages()) yield* page.data;
  }
}

/**
 * What `list()` returns: await it for the first page, or iterate it for every item across pages:
 *
 * ```ts
 * const page = await gk.secretKeys.list({ limit: 50 });
 * for await (const key of gk.secretKeys.list()) console.log(key.id);
 * ```
 *
 * The request is sent when you first await or iterate it.
 */
export class PagePromise<T> implements PromiseLike<Page<T>>, AsyncIterable<T> {
  readonly #load: () => Promise<Page<T>>;
  #promise: Promise<Page<T>> | undefined;

  constructor(load: () => Promise<Page<T>>) {
    this.#load = load;
  }

  #page(): Promise<Page<T>> {
    this.#promise ??= this.#load();
    return this.#promise;
  }

  // biome-ignore lint/suspicious/noThenProperty: a PagePromise is awaitable on purpose.
  then<R1 = Page<T>, R2 = never>(
    onfulfilled?: ((value: Page<T>) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.#page().then(onfulfilled, onrejected);
  }

  catch<R = never>(onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<Page<T> | R> {
    return this.#page().catch(onrejected);
  }

  finally(onfinally?: (() => void) | null): Promise<Page<T>> {
    return this.#page().finally(onfinally);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    yield* await this.#page();
  }

  get [Symbol.toStringTag](): string {
    return "PagePromise";
  }
}
