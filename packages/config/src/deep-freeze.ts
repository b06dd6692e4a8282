/** Freezes `value` and everything reachable through its own properties; returns it. */
export function deepFreeze<T>(value: T): T {
  freeze(value, new WeakSet());
  return value;
}

function freeze(value: unknown, seen: WeakSet<object>): void {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return;
  const obj = value as object;
  if (seen.has(obj)) return;
  seen.add(obj);
  // Typed arrays and buffers cannot be frozen while they have elements.
  if (ArrayBuffer.isView(obj)) return;
  for (const key of Reflect.ownKeys(obj)) {
    const descriptor = Reflect.getOwnPropertyDescriptor(obj, key);
    if (descriptor !== undefined && 'value' in descriptor) freeze(descriptor.value, seen);
  }
  Object.freeze(obj);
}
