/* global document */
/**
 * Building DOM without innerHTML: every text from the API goes in as a text node, so a customer
 * named "<img onerror=…>" stays a name. `h` builds HTML elements; `render` turns the plain
 * `{tag, attrs, children}` trees of charts.js into SVG elements.
 */
const SVG_NS = 'http://www.w3.org/2000/svg';

function append(parent, child) {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) {
    for (const c of child) append(parent, c);
    return;
  }
  parent.append(typeof child === 'object' && 'nodeType' in child ? child : String(child));
}

/** An HTML element: `on*` attributes become listeners, `class` and others attributes. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2).toLowerCase(), value);
    else if (key === 'value') el.value = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/** An SVG element tree from a `{tag, attrs, children}` node (strings are text). */
export function render(node) {
  if (typeof node === 'string') return document.createTextNode(node);
  const el = document.createElementNS(SVG_NS, node.tag);
  for (const [key, value] of Object.entries(node.attrs ?? {})) el.setAttribute(key, String(value));
  for (const child of node.children ?? []) el.append(render(child));
  return el;
}

/** Replaces the content of `el`. */
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
}
