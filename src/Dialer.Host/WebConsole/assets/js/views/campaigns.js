// Campaigns and allocations: per trunk, each campaign's reservation against the channel cap, so an admin
// sees what is left; then the campaigns.
import { get, seg } from '../api.js';
import { h, put, table } from '../dom.js';
import { session } from '../session.js';
import { stackBar } from '../chart.js';

/** Per trunk: cap, reservations by campaign, and what is left unreserved. */
export function capacityOf(trunks, campaigns) {
  return trunks.map((t) => {
    const reservations = campaigns.flatMap((c) => c.allocations.filter((a) => a.trunk === t.name)
      .map((a) => ({ name: c.name, value: a.reserved, restriction: a.restriction })));
    const reserved = reservations.reduce((sum, r) => sum + r.value, 0);
    return { trunk: t.name, cap: t.channelCap, reservations, reserved, left: t.channelCap - reserved };
  });
}

export function capacityTable(capacity, caption) {
  return table(caption, ['trunk', 'reserved against the cap', 'reserved', 'cap', 'left'], capacity.map((c) => h('tr', { 'data-trunk': c.trunk },
    h('th', { scope: 'row' }, h('a', { href: `#/trunks/${seg(c.trunk)}` }, c.trunk)),
    h('td', { class: 'bar-cell' },
      stackBar(c.reservations, c.cap, `${c.trunk}: ${c.reserved} of ${c.cap} channels reserved, ${Math.max(0, c.left)} left`),
      h('ul', { class: 'legend' }, c.reservations.map((r, i) => h('li', {}, h('span', { class: `swatch series-${i % 8}`, 'aria-hidden': 'true' }), `${r.name} ${r.value} (${r.restriction})`)))),
    h('td', {}, String(c.reserved)), h('td', {}, String(c.cap)),
    h('td', { class: c.left < 0 ? 'over' : 'left' }, c.left < 0 ? `over by ${-c.left}` : String(c.left)))));
}

export async function campaignsView(main) {
  const [campaigns, trunks] = await Promise.all([get('/api/campaigns?limit=1000'), get('/api/trunks?limit=1000')]);
  const capacity = capacityOf(trunks.data, campaigns.data);
  put(main, 
    h('div', { class: 'title-row' }, h('h1', {}, 'Campaigns'), session.isAdmin ? h('a', { class: 'button', href: '#/campaigns/new' }, 'New campaign') : null),
    h('section', { 'aria-labelledby': 'cap-title' }, h('h2', { id: 'cap-title' }, 'Trunk channels reserved by campaigns'),
      capacity.length ? capacityTable(capacity, 'Reservations per trunk') : h('p', { class: 'empty' }, 'No trunks yet.')),
    h('section', { 'aria-labelledby': 'camp-title' }, h('h2', { id: 'camp-title' }, 'Campaigns'),
      campaigns.data.length
        ? table('Campaigns', ['name', 'description', 'active', 'retries', 'allocations'], campaigns.data.map((c) => h('tr', { 'data-campaign': c.name },
          h('th', { scope: 'row' }, h('a', { href: `#/campaigns/${seg(c.name)}` }, c.name)),
          h('td', {}, c.description), h('td', {}, c.active ? 'yes' : 'no'),
          h('td', {}, `${c.retries} after ${c.retryDelaySeconds} s`),
          h('td', {}, c.allocations.map((a) => `${a.trunk}: ${a.reserved} ${a.restriction}`).join('; ') || 'none'))))
        : h('p', { class: 'empty' }, 'No campaigns yet.')));
  return null;
}
