/** A publish the room broadcast: the `seq` it got and when (room clock, ms). */
export interface SeenPublish {
  seq: number;
  at: number;
}

/**
 * The publish ids a room remembers for `memoryMs`, so a retried delivery is not broadcast twice.
 * Kept in a Map in the order they were broadcast (increasing `seq`, hence `at`), so forgetting
 * the old ones looks only at the front: O(1) amortised per publish, however many are remembered.
 */
export class PublishIds {
  private readonly seen = new Map<string, SeenPublish>();

  constructor(
    private readonly memoryMs: number,
    /** What storage held (in key order): put back in the order they were broadcast. */
    stored: Iterable<[string, SeenPublish]> = [],
  ) {
    for (const [id, s] of [...stored].sort((a, b) => a[1].seq - b[1].seq)) this.seen.set(id, s);
  }

  get size(): number {
    return this.seen.size;
  }

  /** The earlier broadcast of `id`, if it is still within the memory at `now`. */
  recent(id: string, now: number): SeenPublish | undefined {
    const s = this.seen.get(id);
    return s && now - s.at <= this.memoryMs ? s : undefined;
  }

  /** Remembers a broadcast; an id seen before (and forgotten since) moves to the back. */
  add(id: string, s: SeenPublish): void {
    this.seen.delete(id);
    this.seen.set(id, s);
  }

  /**
   * Forgets the ids older than the memory at `now` and returns them (to delete from storage).
   * Stops at the first one still remembered: everything after it is newer. (Should the clock
   * step back, an old id is kept a little longer, never dropped early.)
   */
  forgetOld(now: number): string[] {
    const stale: string[] = [];
    for (const [id, s] of this.seen) {
      if (now - s.at <= this.memoryMs) break;
      stale.push(id);
    }
    for (const id of stale) this.seen.delete(id);
    return stale;
  }
}
