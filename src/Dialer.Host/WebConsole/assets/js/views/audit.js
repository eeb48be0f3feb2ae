// The audit log, newest first, filtered by entity and key; "Older entries" pages with ?before=ID.
import { get } from '../api.js';
import { h, clear, formatTime, table } from '../dom.js';
import { field, textOf } from '../forms.js';

const PAGE = 50;

function snapshot(value) {
  return value === null || value === undefined ? h('span', { class: 'none' }, '–') : h('pre', {}, JSON.stringify(value, null, 1));
}

export async function auditView(main) {
  const entity = field({ label: 'Entity', name: 'entity', type: 'select', value: '', options: [['', 'any'], 'phone', 'trunk', 'campaign', 'token'] });
  const key = field({ label: 'Key (extension or name)', name: 'key' });
  const results = h('div');
  const more = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Older entries');
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const form = h('form', { class: 'search', role: 'search', 'aria-label': 'Filter the audit log' },
    entity.row, key.row, h('button', { type: 'submit' }, 'Filter'));
  main.append(h('h1', {}, 'Audit log'), form, error, results, more);
  let rows = [];
  let before = null;
  async function load(reset) {
    if (reset) {
      rows = [];
      before = null;
    }
    const query = new URLSearchParams({ limit: String(PAGE) });
    if (entity.input.value) query.set('entity', entity.input.value);
    if (textOf(key.input)) query.set('key', textOf(key.input));
    if (before !== null) query.set('before', String(before));
    try {
      const { data } = await get(`/api/audit?${query}`);
      error.hidden = true;
      rows.push(...data);
      before = data.length ? data[data.length - 1].id : before;
      more.hidden = data.length < PAGE;
    } catch (failure) {
      error.textContent = failure.message;
      error.hidden = false;
      return;
    }
    clear(results).append(rows.length
      ? table('Audit entries, newest first', ['time', 'who', 'what', 'version', 'before', 'after'], rows.map((e) => h('tr', {},
        h('td', {}, formatTime(e.at)), h('td', {}, e.actor), h('td', {}, `${e.action} ${e.entity} ${e.key}`), h('td', {}, String(e.version)),
        h('td', {}, snapshot(e.before)), h('td', {}, snapshot(e.after)))))
      : h('p', { class: 'empty' }, 'No audit entries match.'));
  }
  form.addEventListener('submit', (event) => { event.preventDefault(); load(true); });
  more.addEventListener('click', () => load(false));
  await load(true);
  return null;
}
