/**
 * A set that holds the last `capacity` values added: the memory of recently handled change
 * seqs that lets a consumer drop a late duplicate. The oldest value is found in a ring of
 * insertion order, not as the first value of the Set: a JavaScript Set keeps deleted
 * entries as holes until it is rebuilt, so `values().next()` after many deletions at the
 * front walks all of them, and remembering each seq of a 1,000-change batch took 4 µs
 * (measured: 100,000 additions to a set of 10,000 took 430 ms that way, 9 ms this way).
 */
export class RecentSet<T> {
  private readonly values = new Set<T>();
  private readonly order: Array<T | undefined>;
  private next = 0;

  constructor(private readonly capacity: number) {
    this.order = new Array<T | undefined>(capacity);
  }

  has(value: T): boolean {
    return this.values.has(value);
  }

  /** Adds `value` (nothing if present), forgetting the oldest value when full. */
  add(value: T): void {
    if (this.values.has(value)) return;
    const oldest = this.order[this.next];
    if (oldest !== undefined) this.values.delete(oldest);
    this.order[this.next] = value;
    this.next = (this.next + 1) % this.capacity;
    this.values.add(value);
  }

  get size(): number {
    return this.values.size;
  }
}
