/**
 * A first-in first-out queue that takes from the front without moving what stays: an
 * index marks the front, and the array is cut only now and then. `Array.shift()` and
 * `splice(0, n)` move every remaining element, which costs a queue of tens of thousands
 * (changes waiting for a consumer, MQTT messages waiting for room) its length each time.
 */
const COMPACT_AFTER = 4096;

export class FifoQueue<T> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  peek(): T | undefined {
    return this.items[this.head];
  }

  shift(): T | undefined {
    const item = this.items[this.head];
    if (item !== undefined) this.advance(1);
    return item;
  }

  /** The first `count` items (fewer when the queue holds fewer), removed. */
  take(count: number): T[] {
    const taken = this.items.slice(this.head, this.head + count);
    this.advance(taken.length);
    return taken;
  }

  private advance(count: number): void {
    this.head += count;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > COMPACT_AFTER) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
