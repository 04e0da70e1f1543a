/**
 * Chromium without the address bar's popup, which Chromium builds as web pages of its own (WebUI) in every new window:
 * a few hundred chrome:// files loaded and run while the measured page loads, competing with it for the two cores. A
 * reader's browser built that popup when its window opened, not when a link was followed; each of the benchmark's
 * measurements opens a new window. Everything else is the tests' launch().
 */
import type { Browser } from 'playwright-core';
import { launch } from '../tests/report/browser.js';

/** The address bar's WebUI popups (Chromium's feature names; unknown names are ignored). */
const POPUPS = ['WebUIOmniboxPopup', 'WebUIOmniboxFullPopup', 'WebUIOmniboxAimPopup'];

/**
 * The features a launched Chromium runs with disabled, as chrome://version lists them. Chromium keeps only the last
 * `--disable-features`, so a list added by us must repeat Playwright's own.
 */
async function disabledFeatures(): Promise<string[]> {
  const browser = await launch();
  try {
    const page = await browser.newPage();
    await page.goto('chrome://version/?show-variations-cmd');
    const text = await page.evaluate(() => document.body.innerText);
    const list = /--disable-features="([^"]*)"/.exec(text)?.[1];
    if (list === undefined) throw new Error('chrome://version shows no --disable-features: cannot keep the defaults');
    return list.split(',').filter(Boolean);
  } finally {
    await browser.close();
  }
}

/** launch(), with the address bar's popups disabled and Playwright's disabled features kept. */
export async function launchQuiet(): Promise<Browser> {
  const features = [...new Set([...(await disabledFeatures()), ...POPUPS])];
  return launch([`--disable-features=${features.join(',')}`]);
}
