// DOM helpers. The console never parses HTML strings: every node is created here and text goes in as
// textContent, so data from the API cannot become markup (and no inline script or style is ever needed).

const PROPERTIES = new Set(['value', 'checked', 'selected', 'disabled', 'indeterminate']);

function set(el, key, value) {
  if (value === undefined || value === null || value === false) return;
  if (key === 'class') el.setAttribute('class', value);
  else if (key === 'text') el.textContent = String(value);
  else if (key === 'dataset') Object.assign(el.dataset, value);
  else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
  else if (PROPERTIES.has(key)) el[key] = value;
  else el.setAttribute(key, value === true ? '' : String(value));
}

export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/** parent.append(...children) that leaves out null, undefined and false (conditional parts of a page). */
export function put(parent, ...children) {
  return append(parent, children);
}

/** h('a', { href: '#/', class: 'x' }, 'text', otherNode) */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) set(el, key, value);
  return append(el, children);
}

const SVG = 'http://www.w3.org/2000/svg';

export function svg(tag, props, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null) continue;
    if (key === 'text') el.textContent = String(value);
    else el.setAttribute(key, String(value));
  }
  return append(el, children);
}

export function clear(el) {
  el.replaceChildren();
  return el;
}

let sequence = 0;

/** A fresh element id. */
export function uid(prefix) {
  sequence += 1;
  return `${prefix}-${sequence}`;
}

/** Says something to screen readers (the page's polite live region). */
export function announce(message) {
  const region = document.getElementById('announce');
  if (region) region.textContent = message;
}

export function formatTime(value) {
  if (!value) return '';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toLocaleString(undefined, { hour12: false });
}

export function badge(text, kind) {
  return h('span', { class: `badge badge-${kind ?? text}` }, text);
}

/** A table in a horizontally scrolling wrapper (narrow screens), with a caption for screen readers. */
export function table(caption, headers, rows, { captionVisible = false } = {}) {
  return h('div', { class: 'table-wrap' },
    h('table', {},
      h('caption', { class: captionVisible ? '' : 'sr-only' }, caption),
      h('thead', {}, h('tr', {}, headers.map((text) => h('th', { scope: 'col' }, text)))),
      h('tbody', {}, rows)));
}
