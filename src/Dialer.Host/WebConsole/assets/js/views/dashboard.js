// The live dashboard: one card per trunk (health, channels bar, calls per second, rejections, servers),
// registrations, the latest health events and the last hour of channels in use (sampled by this tab).
import { h, clear, badge, formatTime, table } from '../dom.js';
import { onLive, history, callsPerSecond } from '../live.js';
import { lineChart } from '../chart.js';
import { seg } from '../api.js';

const CAUSES = [['channelCap', 'channel cap'], ['cpsCap', 'CPS cap'], ['allocation', 'allocation'], ['noServer', 'no server']];

/** A trunk's card, built once and updated in place every second (so keyboard focus on its link survives). */
export function trunkCard(name) {
  const label = h('span', { class: 'label' });
  const reason = h('p', { class: 'reason' });
  const meter = h('meter', { class: 'channels-bar', min: 0, 'aria-label': `channels in use on ${name}` });
  const channels = h('span', { class: 'channels-text' });
  const cps = h('span', { class: 'cps' });
  const rejected = Object.fromEntries(CAUSES.map(([key]) => [key, h('dd', { class: `rejected-${key}` }, '0')]));
  const servers = h('tbody');
  const card = h('section', { class: 'card trunk-card', 'data-trunk': name, 'aria-labelledby': `trunk-${name}` },
    h('h3', { id: `trunk-${name}` }, h('a', { href: `#/trunks/${seg(name)}` }, name), ' ', label),
    reason,
    h('div', { class: 'channels' }, h('span', { class: 'caption' }, 'Channels'), meter, channels),
    h('p', {}, h('span', { class: 'caption' }, 'Calls per second '), cps),
    h('dl', { class: 'rejections', 'aria-label': `calls rejected on ${name}, by cause` },
      CAUSES.map(([key, text]) => h('div', {}, h('dt', {}, text), rejected[key]))),
    h('div', { class: 'table-wrap' }, h('table', { class: 'servers' },
      h('caption', { class: 'sr-only' }, `servers of ${name}`),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'server'), h('th', { scope: 'col' }, 'state'), h('th', { scope: 'col' }, 'RTT'))),
      servers)));
  function update(trunk) {
    label.replaceChildren(badge(trunk.label));
    reason.textContent = trunk.reason;
    meter.max = Math.max(trunk.cap, 1);
    meter.high = Math.max(trunk.cap * 0.8, 0.5);
    meter.optimum = 0;
    meter.value = trunk.inUse;
    meter.textContent = `${trunk.inUse} of ${trunk.cap}`;
    channels.textContent = `${trunk.inUse} / ${trunk.cap} in use (peak ${trunk.peak})`;
    card.dataset.inUse = String(trunk.inUse);
    cps.textContent = `${callsPerSecond(trunk.trunk).toFixed(1)}${trunk.cpsCap ? ` (cap ${trunk.cpsCap})` : ''}`;
    for (const [key] of CAUSES) rejected[key].textContent = String(trunk.rejected[key]);
    servers.replaceChildren(...trunk.servers.map((s) => h('tr', {},
      h('td', {}, `${s.host}${s.port ? `:${s.port}` : ''}/${s.transport}`),
      h('td', {}, badge(s.state), s.cause ? h('span', { class: 'cause' }, ` ${s.cause}`) : null),
      h('td', {}, s.rttMs === null || s.rttMs === undefined ? '–' : `${s.rttMs} ms`))));
  }
  return { card, update };
}

export function dashboardView(main) {
  const registrations = h('p', { class: 'registrations' });
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const cards = h('div', { class: 'cards' });
  const chart = h('div', { class: 'chart-box' });
  const events = h('div');
  main.append(
    h('h1', {}, 'Dashboard'),
    h('p', { class: 'hint' }, 'Live, refreshed every second.'),
    error,
    h('section', { 'aria-labelledby': 'dash-phones' }, h('h2', { id: 'dash-phones' }, 'Registrations'), registrations),
    h('section', { 'aria-labelledby': 'dash-trunks' }, h('h2', { id: 'dash-trunks' }, 'Trunks'), cards),
    h('section', { 'aria-labelledby': 'dash-chart' }, h('h2', { id: 'dash-chart' }, 'Channels in use, last hour'),
      h('p', { class: 'hint' }, 'Sampled by this browser tab every second since it opened; the dialer keeps no such history.'), chart),
    h('section', { 'aria-labelledby': 'dash-events' }, h('h2', { id: 'dash-events' }, 'Latest health events'), events));
  const built = new Map();
  let lastChart = 0;
  return onLive((data, failure) => {
    error.hidden = !failure;
    if (failure) error.textContent = `Live figures are not updating: ${failure.message}`;
    if (!data) return;
    registrations.textContent = `${data.registeredPhones} phone${data.registeredPhones === 1 ? '' : 's'} registered, ${data.registrations} binding${data.registrations === 1 ? '' : 's'}`;
    const names = new Set(data.trunks.map((t) => t.trunk));
    for (const [name, entry] of built) {
      if (!names.has(name)) {
        entry.card.remove();
        built.delete(name);
      }
    }
    if (data.trunks.length === 0 && !cards.querySelector('.empty')) cards.append(h('p', { class: 'empty' }, 'No trunks yet.'));
    if (data.trunks.length) cards.querySelector('.empty')?.remove();
    for (const trunk of data.trunks) {
      let entry = built.get(trunk.trunk);
      if (!entry) {
        entry = trunkCard(trunk.trunk);
        built.set(trunk.trunk, entry);
        cards.append(entry.card);
      }
      entry.update(trunk);
    }
    const now = Date.now();
    if (now - lastChart >= 900) {
      lastChart = now;
      clear(chart).append(lineChart(data.trunks.map((t) => ({ name: t.trunk, points: history.get(t.trunk) ?? [] })),
        { from: now - 3600_000, to: now, title: 'Channels in use per trunk over the last hour' }));
    }
    clear(events).append(data.events.length === 0
      ? h('p', {}, data.eventsAvailable ? 'No server state changes yet.' : 'The events cannot be read now (database unavailable).')
      : table('Latest server state changes', ['time', 'trunk', 'server', 'change', 'cause'], data.events.map((e) => h('tr', {},
        h('td', {}, formatTime(e.at)), h('td', {}, e.trunk), h('td', {}, e.server), h('td', {}, `${e.from} → ${e.to}`), h('td', {}, e.cause)))));
  });
}
