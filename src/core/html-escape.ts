/**
 * The one HTML escaper for markup tracklab builds by hand (the kernel's displays, any string the report assembles
 * outside a template). It escapes the same characters as Handlebars' `{{ }}`, so hand-built and templated markup agree.
 */
const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#x27;',
  '`': '&#x60;',
  '=': '&#x3D;',
};

/**
 * Text safe to put in an element or a quoted attribute value.
 *
 * @example escapeHtml('<img src=x onerror=alert(1)>') // '&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;'
 */
export const escapeHtml = (value: unknown): string => String(value).replace(/[&<>"'`=]/g, (c) => ENTITIES[c] ?? c);
