/**
 * Entry of assets/compare-boot.js: a small async script in the compare page's `<head>`, after the page's data (the
 * run index). It asks for vega and the data file of every run the address names while the page is still parsed and
 * the page script is on its way, so the files the charts wait for arrive about when the page script runs; the page
 * script later loads the same URLs and gets them from the preload. Only runs of this report are asked for: a link
 * naming an unknown run does not make the page request a missing file.
 */
import { selectionFromHash } from './compare-selection.js';

function preload(href: string): void {
  const link = document.createElement('link');
  link.rel = 'preload';
  link.as = 'script';
  link.href = href;
  document.head.append(link);
}

const text = document.getElementById('page-data')?.textContent;
const index = (text ? (JSON.parse(text) as { index?: { id: string; data: string }[] }).index : undefined) ?? [];
const files = new Map(index.map((e) => [e.id, e.data]));
const wanted = selectionFromHash(location.hash).flatMap((id) => files.get(id) ?? []);
if (wanted.length > 0) {
  // vega first: it is the largest file, and every chart waits for it.
  const self = (document.currentScript as HTMLScriptElement | null)?.src;
  if (self) preload(new URL('vega.min.js', self).href);
  for (const href of wanted) preload(href);
}
