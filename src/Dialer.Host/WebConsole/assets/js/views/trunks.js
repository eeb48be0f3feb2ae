// Trunks: the list with each trunk's live health label and channels.
import { get, seg } from '../api.js';
import { h, put, badge, table } from '../dom.js';
import { session } from '../session.js';
import { onLive } from '../live.js';

export async function trunksView(main) {
  const { data: trunks, total } = await get('/api/trunks?limit=1000');
  const live = new Map();
  const rows = trunks.map((t) => {
    const health = h('td', { class: 'health' }, badge('…', 'unknown'));
    const channels = h('td', { class: 'channels' }, `– / ${t.channelCap}`);
    live.set(t.name, { health, channels });
    return h('tr', { 'data-trunk': t.name },
      h('th', { scope: 'row' }, h('a', { href: `#/trunks/${seg(t.name)}` }, t.name)),
      h('td', {}, t.description),
      health, channels,
      h('td', {}, t.cpsCap ? String(t.cpsCap) : 'none'),
      h('td', {}, t.dialPrefix || '–'),
      h('td', {}, t.servers.map((s) => `${s.host}${s.port ? `:${s.port}` : ''}/${s.transport}`).join(', ')),
      h('td', {}, t.active ? 'yes' : 'no'));
  });
  put(main, 
    h('div', { class: 'title-row' }, h('h1', {}, 'Trunks'), session.isAdmin ? h('a', { class: 'button', href: '#/trunks/new' }, 'New trunk') : null),
    rows.length
      ? table(`Trunks (${total ?? rows.length})`, ['name', 'description', 'health', 'channels', 'CPS cap', 'dial prefix', 'servers', 'active'], rows)
      : h('p', { class: 'empty' }, 'No trunks yet.'));
  return onLive((data) => {
    for (const trunk of data?.trunks ?? []) {
      const cells = live.get(trunk.trunk);
      if (!cells) continue;
      cells.health.replaceChildren(badge(trunk.label), h('span', { class: 'reason' }, ` ${trunk.reason}`));
      cells.channels.textContent = `${trunk.inUse} / ${trunk.cap}`;
    }
  });
}
