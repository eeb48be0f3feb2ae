// Labelled form fields, problem-details errors shown next to the fields they name, and the 412 conflict notice.
import { h, uid, clear } from './dom.js';

/**
 * A labelled control. `name` is the API's field path ("channelCap", "servers[0].port"): problem details
 * name fields the same way, so an error lands next to its control.
 * @returns {{row: HTMLElement, input: HTMLInputElement|HTMLSelectElement|HTMLTextAreaElement}}
 */
export function field({ label, name, type = 'text', value, hint, required, options, rows, attrs = {} }) {
  const id = uid('f');
  let input;
  if (type === 'select') {
    input = h('select', { id, name, ...attrs }, options.map((o) => {
      const [optionValue, text] = Array.isArray(o) ? o : [o, o];
      return h('option', { value: optionValue, selected: String(value) === String(optionValue) }, text);
    }));
  } else if (type === 'textarea') {
    input = h('textarea', { id, name, rows: rows ?? 3, ...attrs });
    input.value = value ?? '';
  } else if (type === 'checkbox') {
    input = h('input', { id, name, type, checked: Boolean(value), ...attrs });
  } else {
    input = h('input', { id, name, type, value: value ?? '', required, ...attrs });
  }
  input.dataset.field = name;
  const hintId = hint ? `${id}-hint` : null;
  const errorId = `${id}-error`;
  input.setAttribute('aria-describedby', [hintId, errorId].filter(Boolean).join(' '));
  if (required) input.setAttribute('aria-required', 'true');
  // The star stays outside the label, so the control's name is just the label.
  const labelEl = h('span', { class: 'label-row' }, h('label', { for: id }, label),
    required ? h('span', { class: 'required', 'aria-hidden': 'true' }, ' *') : null);
  const row = h('div', { class: `field field-${type}`, 'data-field': name },
    type === 'checkbox' ? [input, labelEl] : [labelEl, input],
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
    h('p', { class: 'error', id: errorId, hidden: true }));
  return { row, input };
}

/** The number in a number input; null when empty (the API then applies its default or says it is required). */
export function numberOf(input) {
  const text = input.value.trim();
  if (text === '') return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : text;
}

export function textOf(input) {
  return input.value.trim();
}

/** One entry per non-empty line. */
export function linesOf(input) {
  return input.value.split('\n').map((line) => line.trim()).filter(Boolean);
}

export function clearErrors(form) {
  for (const row of form.querySelectorAll('.field.invalid, .group.invalid')) row.classList.remove('invalid');
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  for (const el of form.querySelectorAll('.error')) {
    el.hidden = true;
    el.textContent = '';
  }
  form.querySelector('.error-summary')?.remove();
}

/** The field row (or group) for an API field path; "acl[2]" falls back to "acl", "servers[0]" to its group. */
function targetOf(form, key) {
  let path = key;
  while (path) {
    const found = form.querySelector(`[data-field="${CSS.escape(path)}"]`);
    if (found) return found.closest('.field, .group') ?? found;
    const cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
    path = cut > 0 ? path.slice(0, cut) : '';
  }
  return null;
}

function labelOf(target, key) {
  const label = target?.querySelector('label, legend');
  return label ? label.textContent : key;
}

/**
 * Shows an ApiError: each `errors` entry next to the field it names (aria-invalid, described by the message),
 * and a summary at the top of the form that links to them; the summary takes focus.
 */
export function showProblem(form, error) {
  clearErrors(form);
  const items = [];
  for (const [key, messages] of Object.entries(error.errors ?? {})) {
    const target = targetOf(form, key);
    const text = (Array.isArray(messages) ? messages : [messages]).join('; ');
    const where = target && target.dataset.field !== key ? `${key}: ${text}` : text;
    if (target) {
      target.classList.add('invalid');
      const slot = target.querySelector(':scope > .error') ?? target.querySelector('.error');
      if (slot) {
        slot.hidden = false;
        slot.textContent = slot.textContent ? `${slot.textContent}; ${where}` : where;
      }
      const control = target.querySelector('input, select, textarea');
      control?.setAttribute('aria-invalid', 'true');
    }
    items.push({ key, text, label: labelOf(target, key), control: target?.querySelector('input, select, textarea, button') });
  }
  const summary = h('div', { class: 'error-summary', role: 'alert', tabindex: '-1' },
    h('h2', {}, error.problem?.title ?? 'The change was refused'),
    error.problem?.detail && items.length === 0 ? h('p', {}, error.problem.detail) : null,
    items.length ? h('ul', {}, items.map((item) => h('li', {},
      item.control
        ? h('a', { href: '#', onclick: (event) => { event.preventDefault(); item.control.focus(); } }, `${item.label}: ${item.text}`)
        : `${item.label}: ${item.text}`))) : null);
  form.prepend(summary);
  summary.focus();
}

/** A status line under a form's buttons: "Saved.", "Deleting…". */
export function statusLine() {
  return h('p', { class: 'form-status', role: 'status' });
}

/** Flattens an object to "path: value" pairs for comparing what the admin sent with what is stored now. */
function flatten(value, prefix = '', out = {}) {
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v !== 'object' || v === null)) out[prefix] = value.join(', ');
    else value.forEach((v, i) => flatten(v, `${prefix}[${i}]`, out));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out[prefix] = value ?? '';
  }
  return out;
}

/**
 * The 412 notice: someone else changed the record since this form read it. The form is then shown again with
 * the current values (the caller re-renders it); this lists the fields the admin had changed (against what the
 * form was opened with), with the value now stored, so they can be applied again.
 */
export function conflictNotice(kind, key, sent, original, current) {
  const mine = flatten(sent);
  const before = flatten(original ?? {});
  const theirs = flatten(current);
  const changed = Object.keys(mine).filter((k) => !k.endsWith('password') && String(mine[k]) !== String(before[k] ?? ''));
  return h('div', { class: 'conflict', role: 'alert', tabindex: '-1' },
    h('h2', {}, `Someone else changed this ${kind}`),
    h('p', {}, `${kind} ${key} was changed by someone else after you opened it (it is now version ${current.version}). ` +
      'Your changes were not saved. The form below shows the current values; apply your changes again if they still make sense.'),
    changed.length
      ? h('div', { class: 'table-wrap' }, h('table', {},
        h('caption', {}, 'Your unsaved changes against the current values'),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'field'), h('th', { scope: 'col' }, 'yours'), h('th', { scope: 'col' }, 'current'))),
        h('tbody', {}, changed.map((k) => h('tr', {}, h('th', { scope: 'row' }, k), h('td', {}, String(mine[k])), h('td', {}, String(theirs[k] ?? '')))))))
      : null);
}

/**
 * An ordered list picker (codecs): the chosen items in order, each with move up / move down / remove buttons,
 * and a select with the rest to add. Keyboard-usable; the value is the ordered list.
 */
export function orderedPicker({ label, name, known, value, hint }) {
  let chosen = [...(value ?? [])];
  const id = uid('p');
  const list = h('ol', { class: 'picker-list', 'aria-labelledby': `${id}-legend` });
  const adder = h('select', { id: `${id}-add`, 'aria-label': `${label}: add` });
  const addButton = h('button', { type: 'button', class: 'secondary small' }, 'Add');
  const group = h('fieldset', { class: 'group picker', 'data-field': name },
    h('legend', { id: `${id}-legend` }, label),
    hint ? h('p', { class: 'hint' }, hint) : null,
    list,
    h('div', { class: 'picker-add' }, adder, addButton),
    h('p', { class: 'error', hidden: true }));
  group.dataset.field = name;
  function move(index, delta) {
    const target = index + delta;
    if (target < 0 || target >= chosen.length) return;
    [chosen[index], chosen[target]] = [chosen[target], chosen[index]];
    render(chosen[target], delta < 0 ? 'up' : 'down');
  }
  function render(focusItem, focusAction) {
    clear(list);
    chosen.forEach((item, index) => {
      const up = h('button', { type: 'button', class: 'icon', 'aria-label': `Move ${item} up`, disabled: index === 0, onclick: () => move(index, -1) }, '↑');
      const down = h('button', { type: 'button', class: 'icon', 'aria-label': `Move ${item} down`, disabled: index === chosen.length - 1, onclick: () => move(index, 1) }, '↓');
      const remove = h('button', { type: 'button', class: 'icon', 'aria-label': `Remove ${item}`, onclick: () => { chosen.splice(index, 1); render(); adder.focus(); } }, '✕');
      list.append(h('li', { 'data-item': item }, h('span', { class: 'picker-name' }, item), up, down, remove));
      if (item === focusItem) (focusAction === 'up' ? (index === 0 ? down : up) : (index === chosen.length - 1 ? up : down)).focus();
    });
    clear(adder);
    const rest = known.filter((k) => !chosen.includes(k));
    adder.append(...rest.map((k) => h('option', { value: k }, k)));
    adder.disabled = rest.length === 0;
    addButton.disabled = rest.length === 0;
  }
  addButton.addEventListener('click', () => {
    if (!adder.value) return;
    chosen.push(adder.value);
    render();
    (adder.disabled ? addButton : adder).focus();
  });
  render();
  return { row: group, value: () => [...chosen] };
}

/** A group of checkboxes; value() is the checked values in the given order. */
export function checkboxGroup({ label, name, items, value, hint }) {
  const selected = new Set(value ?? []);
  const boxes = items.map(([itemValue, text]) => {
    const { row, input } = field({ label: text, name: `${name}:${itemValue}`, type: 'checkbox', value: selected.has(itemValue) });
    input.value = itemValue;
    return { row, input };
  });
  const group = h('fieldset', { class: 'group checkboxes', 'data-field': name },
    h('legend', {}, label), hint ? h('p', { class: 'hint' }, hint) : null,
    h('div', { class: 'checkbox-list' }, boxes.map((b) => b.row)),
    h('p', { class: 'error', hidden: true }));
  return { row: group, boxes, value: () => boxes.filter((b) => b.input.checked).map((b) => b.input.value) };
}

/** Two-step delete: the first button asks, the second does it; nothing relies on window.confirm. */
export function confirmButton(text, question, action) {
  const wrap = h('span', { class: 'confirm' });
  const start = h('button', { type: 'button', class: 'danger' }, text);
  wrap.append(start);
  start.addEventListener('click', () => {
    const yes = h('button', { type: 'button', class: 'danger' }, `Yes, ${text.toLowerCase()}`);
    const no = h('button', { type: 'button', class: 'secondary' }, 'Cancel');
    const prompt = h('span', { class: 'confirm-question', role: 'alert' }, question, ' ', yes, ' ', no);
    wrap.replaceChildren(prompt);
    no.addEventListener('click', () => { wrap.replaceChildren(start); start.focus(); });
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      try { await action(); } finally { yes.disabled = false; }
    });
    no.focus();
  });
  return wrap;
}
