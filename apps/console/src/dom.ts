// DOM building without innerHTML: every text goes through a text node, so data from the API can
// never become markup (and the page needs no inline script or style, which the CSP forbids).

export type Child = Node | string | number | null | undefined | false | readonly Child[];

type Handler = (event: Event) => void;
export interface Attrs {
  class?: string | undefined;
  /** Sets properties that have no attribute form (value, checked, disabled …). */
  props?: Record<string, unknown>;
  on?: Partial<Record<keyof HTMLElementEventMap, Handler>>;
  [attribute: string]: unknown;
}

const FORBIDDEN_ATTRIBUTES = new Set(['style', 'innerhtml', 'outerhtml', 'srcdoc']);

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [key, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'props') Object.assign(el, value);
      else if (key === 'on') {
        for (const [event, handler] of Object.entries(value as Record<string, Handler>)) el.addEventListener(event, handler);
      } else if (key === 'class') el.className = String(value);
      else if (FORBIDDEN_ATTRIBUTES.has(key.toLowerCase()) || key.toLowerCase().startsWith('on')) throw new Error(`attribute ${key} is not allowed`);
      else el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child as readonly Child[]);
    else if (child instanceof Node) parent.appendChild(child);
    else parent.appendChild(document.createTextNode(String(child)));
  }
}

/** Replaces every child of `parent`. */
export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}
