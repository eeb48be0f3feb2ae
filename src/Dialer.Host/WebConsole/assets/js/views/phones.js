// Phones: search (?q=), paging (limit/offset with X-Total-Count) and each phone's live registration state and
// contacts from /api/registrations, refreshed every second while the list is open.
import { get, seg } from '../api.js';
import { h, clear, badge, table } from '../dom.js';
import { session } from '../session.js';

const PAGE = 25;
const state = { q: '', offset: 0 };

function contactsCell(bindings) {
  if (!bindings || bindings.length === 0) return [badge('not registered', 'unregistered')];
  return [badge('registered'), h('ul', { class: 'contacts' }, bindings.map((b) => h('li', {}, `${b.contact} (${b.source}, ${b.expiresIn} s)`)))];
}

export async function phonesView(main) {
  const search = h('input', { id: 'phones-q', type: 'search', value: state.q, maxlength: 64, autocomplete: 'off' });
  const list = h('div', { class: 'list' });
  const pager = h('nav', { class: 'pager', 'aria-label': 'Phone pages' });
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  main.append(
    h('div', { class: 'title-row' }, h('h1', {}, 'Phones'),
      session.isAdmin ? h('a', { class: 'button', href: '#/phones/new' }, 'New phone') : null),
    h('form', { class: 'search', role: 'search', onsubmit: (event) => { event.preventDefault(); state.q = search.value.trim(); state.offset = 0; load(); } },
      h('label', { for: 'phones-q' }, 'Search extension or name'), search, h('button', { type: 'submit', class: 'secondary' }, 'Search')),
    error, list, pager);
  let cells = new Map();
  let timer = null;
  let alive = true;
  let debounce = null;
  search.addEventListener('input', () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => { state.q = search.value.trim(); state.offset = 0; load(); }, 300);
  });

  async function load() {
    const query = new URLSearchParams({ limit: String(PAGE), offset: String(state.offset) });
    if (state.q) query.set('q', state.q);
    let page;
    try {
      page = await get(`/api/phones?${query}`);
      error.hidden = true;
    } catch (failure) {
      error.textContent = failure.message;
      error.hidden = false;
      return;
    }
    cells = new Map();
    const rows = page.data.map((phone) => {
      const cell = h('td', { class: 'registration' }, badge('…', 'unknown'));
      cells.set(phone.extension, cell);
      return h('tr', { 'data-extension': phone.extension },
        h('th', { scope: 'row' }, h('a', { href: `#/phones/${seg(phone.extension)}` }, phone.extension)),
        h('td', {}, phone.displayName),
        cell,
        h('td', {}, phone.codecs.join(', ')),
        h('td', {}, phone.outboundTrunks.length ? phone.outboundTrunks.join(', ') : 'none'),
        h('td', {}, phone.active ? 'yes' : 'no'));
    });
    clear(list).append(rows.length
      ? table('Phones', ['extension', 'name', 'registration', 'codecs', 'outbound trunks', 'active'], rows)
      : h('p', { class: 'empty' }, state.q ? `No phone matches “${state.q}”.` : 'No phones yet.'));
    const total = page.total ?? rows.length;
    const first = total === 0 ? 0 : state.offset + 1;
    clear(pager).append(
      h('button', { type: 'button', class: 'secondary', disabled: state.offset === 0, onclick: () => { state.offset = Math.max(0, state.offset - PAGE); load(); } }, 'Previous page'),
      h('span', { class: 'page-info' }, `${first}–${state.offset + rows.length} of ${total}`),
      h('button', { type: 'button', class: 'secondary', disabled: state.offset + PAGE >= total, onclick: () => { state.offset += PAGE; load(); } }, 'Next page'));
    await refresh();
  }

  async function refresh() {
    clearTimeout(timer);
    try {
      const { data } = await get('/api/registrations');
      const byExtension = Map.groupBy(data, (b) => b.extension);
      for (const [extension, cell] of cells) cell.replaceChildren(...contactsCell(byExtension.get(extension)));
    } catch {
      // The next refresh tries again; the list itself stays.
    }
    if (alive) timer = setTimeout(refresh, 1000);
  }

  await load();
  return () => {
    alive = false;
    clearTimeout(timer);
    clearTimeout(debounce);
  };
}
