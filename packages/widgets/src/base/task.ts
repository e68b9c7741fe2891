import type { ReactiveController, ReactiveControllerHost } from "lit";

/**
 * Async data for a widget: what `@lit/task` does for us, in a fraction of its bytes. A task runs
 * `task(args)` in the host's update whenever `args()` changed (shallowly), aborts a run that a
 * newer one supersedes, keeps only the latest run's outcome, and re-renders the host as it goes.
 * A task function that returns {@link initialState} puts the task back to `INITIAL`.
 */

export const TaskStatus = { INITIAL: 0, PENDING: 1, COMPLETE: 2, ERROR: 3 } as const;
export type TaskStatus = (typeof TaskStatus)[keyof typeof TaskStatus];

/** Returned by a task function: nothing to do yet (the task shows as `INITIAL`). */
export const initialState: unique symbol = Symbol();

export interface TaskConfig<A extends readonly unknown[], T> {
  // Method syntax, so a Task of specific args is usable where any Task is (as with @lit/task).
  args(): A;
  task(args: A, options: { signal: AbortSignal }): PromiseLike<T | typeof initialState> | T | typeof initialState;
  /** Called with the error of the latest run when it fails. */
  onError?(error: unknown): void;
}

interface Completion<T> {
  promise: Promise<T>;
  resolve?(value: T): void;
  reject?(error: unknown): void;
}

const sameArgs = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

export class Task<A extends readonly unknown[], T> implements ReactiveController {
  status: TaskStatus = TaskStatus.INITIAL;
  value: T | undefined;
  error: unknown;
  readonly #host: ReactiveControllerHost;
  readonly #config: TaskConfig<A, T>;
  #args: A | undefined;
  #run = 0;
  #abort: AbortController | undefined;
  #complete: Completion<T> | undefined;

  constructor(host: ReactiveControllerHost, config: TaskConfig<A, T>) {
    this.#host = host;
    this.#config = config;
    host.addController(this);
  }

  /** Settles with the outcome of the run in progress, or of the last one. */
  get taskComplete(): Promise<T> {
    if (!this.#complete) {
      if (this.status === TaskStatus.PENDING) {
        let settle: Pick<Completion<T>, "resolve" | "reject"> = {};
        const promise = new Promise<T>((resolve, reject) => {
          settle = { resolve, reject };
        });
        this.#complete = { promise, ...settle };
      } else {
        this.#complete = {
          promise: this.status === TaskStatus.ERROR ? Promise.reject(this.error) : Promise.resolve(this.value as T),
        };
      }
    }
    return this.#complete.promise;
  }

  hostUpdate(): void {
    const args = this.#config.args();
    const previous = this.#args;
    this.#args = args;
    if (previous === undefined || !sameArgs(previous, args)) void this.run(args);
  }

  /** Runs the task now (with `args()` unless given), superseding a run in progress. */
  async run(args: A = this.#config.args()): Promise<void> {
    this.#args = args;
    if (this.status === TaskStatus.PENDING) this.#abort?.abort();
    else this.#complete = undefined;
    this.status = TaskStatus.PENDING;
    this.#host.requestUpdate();
    const key = ++this.#run;
    this.#abort = new AbortController();
    let result: T | typeof initialState | undefined;
    let error: unknown;
    let failed = false;
    try {
      result = await this.#config.task(args, { signal: this.#abort.signal });
    } catch (e) {
      failed = true;
      error = e;
    }
    if (key !== this.#run) return;
    if (result === initialState) {
      this.status = TaskStatus.INITIAL;
    } else {
      if (failed) {
        try {
          this.#config.onError?.(error);
        } catch {}
        this.status = TaskStatus.ERROR;
        this.#complete?.reject?.(error);
      } else {
        this.status = TaskStatus.COMPLETE;
        this.#complete?.resolve?.(result as T);
      }
      this.value = result as T | undefined;
      this.error = error;
    }
    this.#host.requestUpdate();
  }
}
