/** Run colours shared by every chart of the report and the notebook displays: one colour per run, then dashes. */

/**
 * Ten distinct hues per theme (category10, brightened for dark backgrounds); past ten, a dash pattern tells runs apart.
 */
export const PALETTE = [
  '#1f77b4',
  '#e8590c',
  '#2b8a3e',
  '#d62728',
  '#7048e8',
  '#8c564b',
  '#c2255c',
  '#5c677d',
  '#a08a00',
  '#0c8599',
];
export const PALETTE_DARK = [
  '#5aa9f0',
  '#ff9f4a',
  '#51cf66',
  '#ff6b6b',
  '#b197fc',
  '#d0a48f',
  '#f783ac',
  '#adb5bd',
  '#e0c53f',
  '#3bc9db',
];
export const DASHES: number[][] = [[], [6, 3], [2, 2], [8, 3, 2, 3]];

/** A run's look on every chart of a page: colour by its position, dash once the palette is used up. */
export interface RunStyle {
  color: string;
  dash: number[];
}

export function runStyle(index: number, dark = false): RunStyle {
  const palette = dark ? PALETTE_DARK : PALETTE;
  return {
    color: palette[index % palette.length] as string,
    dash: DASHES[Math.floor(index / palette.length) % DASHES.length] as number[],
  };
}
