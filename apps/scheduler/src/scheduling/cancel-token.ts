/**
 * A cheap cancellation flag for one AnnouncePeer stream. AbortController costs an object graph per
 * stream and a DOMException per abort; this is a boolean and, only when someone waits, a listener.
 */
export class CancelToken {
  private cancelled = false;
  private listeners: Array<() => void> | undefined;

  get aborted(): boolean {
    return this.cancelled;
  }

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    const listeners = this.listeners;
    this.listeners = undefined;
    for (const listener of listeners ?? []) listener();
  }

  /** Calls `listener` once on cancel; returns a function that removes it. */
  onCancel(listener: () => void): () => void {
    if (this.cancelled) {
      listener();
      return () => undefined;
    }
    (this.listeners ??= []).push(listener);
    return () => {
      const at = this.listeners?.indexOf(listener) ?? -1;
      if (at >= 0) this.listeners?.splice(at, 1);
    };
  }
}
