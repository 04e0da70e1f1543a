/** Tiny DOM helpers: text is always set with textContent, never parsed as HTML. */
export const byId = <T extends HTMLElement = HTMLElement>(id: string): T | null =>
  document.getElementById(id) as T | null;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

export function pageData<T>(): T | null {
  const node = byId('page-data');
  return node?.textContent ? (JSON.parse(node.textContent) as T) : null;
}

export function fillSelect(
  select: HTMLSelectElement,
  options: { value: string; label: string }[],
  selected?: string,
): void {
  select.replaceChildren(...options.map((o) => el('option', { value: o.value }, o.label)));
  if (selected !== undefined && options.some((o) => o.value === selected)) select.value = selected;
}

export const debounce = (fn: () => void, ms: number): (() => void) => {
  let t: ReturnType<typeof setTimeout> | undefined;
  return () => {
    clearTimeout(t);
    t = setTimeout(fn, ms);
  };
};

/** Resolves in a later task, so the browser can paint and handle input between two pieces of start-up work. */
export const nextTask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));
