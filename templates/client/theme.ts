/**
 * The colour theme a reader chose (light, dark, or the system's), remembered in localStorage. The page's `<head>`
 * loads assets/theme.js, a blocking script of a few hundred bytes, so the chosen theme is set before the first paint.
 */
export type ThemeChoice = 'system' | 'light' | 'dark';

const KEY = 'tracklab-theme';

/** The stored choice; 'system' when none was made or storage is unavailable (some browsers block it on file://). */
export function storedTheme(): ThemeChoice {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return 'system';
  }
}

/** Sets the page's theme: `data-theme` on the root element, absent when the system setting decides. */
export function applyTheme(choice: ThemeChoice): void {
  if (choice === 'system') document.documentElement.removeAttribute('data-theme');
  else document.documentElement.setAttribute('data-theme', choice);
}

/** Remembers and applies a choice. */
export function chooseTheme(choice: ThemeChoice): void {
  try {
    if (choice === 'system') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, choice);
  } catch {
    // Not remembered (storage blocked); the choice still applies to this page.
  }
  applyTheme(choice);
}

/** True when the page shows its dark theme: chosen, or following a dark system setting. */
export function isDarkTheme(): boolean {
  const chosen = document.documentElement.getAttribute('data-theme');
  if (chosen) return chosen === 'dark';
  return typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches;
}

/**
 * Shows the header's theme menu and wires it. Charts take their colours when drawn, so a page with charts reloads
 * (its view is in the address) to draw them in the new theme.
 */
export function wireThemeChoice(): void {
  const select = document.getElementById('theme-choice') as HTMLSelectElement | null;
  if (!select) return;
  select.value = storedTheme();
  select.closest('[hidden]')?.removeAttribute('hidden');
  select.addEventListener('change', () => {
    const before = isDarkTheme();
    chooseTheme(select.value === 'light' || select.value === 'dark' ? select.value : 'system');
    if (before !== isDarkTheme() && document.querySelector('[data-chart="drawn"] svg')) location.reload();
  });
}
