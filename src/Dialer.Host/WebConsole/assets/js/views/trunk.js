// One trunk: live health and channels, the channel history this tab sampled, stored health history
// (/api/health/history?trunk=), and the settings form (If-Match on save).
import { api, get, seg } from '../api.js';
import { h, put, clear, badge, formatTime, table } from '../dom.js';
import { session } from '../session.js';
import { navigate } from '../router.js';
import { onLive, history } from '../live.js';
import { lineChart } from '../chart.js';
import { showProblem, clearErrors, conflictNotice, confirmButton, statusLine } from '../forms.js';
import { trunkForm } from './trunk-form.js';
import { trunkCard } from './dashboard.js';

function healthHistory(reports) {
  if (reports.length === 0) return h('p', {}, 'No stored reports yet (one is written every report interval and at every server state change).');
  return table('Stored health reports, newest first', ['time', 'label', 'reason', 'channels (in use / peak / cap)', 'rejected', 'servers'],
    reports.map((r) => h('tr', {},
      h('td', {}, formatTime(r.at)), h('td', {}, badge(r.label)), h('td', {}, r.reason),
      h('td', {}, `${r.channels.inUse} / ${r.channels.peak} / ${r.channels.cap}`),
      h('td', {}, String(r.rejected.channelCap + r.rejected.cpsCap + r.rejected.allocation + r.rejected.noServer)),
      h('td', {}, r.servers.map((s) => `${s.host}${s.port ? `:${s.port}` : ''} ${s.state}${s.rttMs ? ` ${s.rttMs} ms` : ''}`).join(', ')))));
}

export async function trunkView(main, name) {
  const creating = name === 'new';
  let trunk = null;
  let etag = null;
  if (!creating) {
    const answer = await get(`/api/trunks/${seg(name)}`);
    trunk = answer.data;
    etag = answer.etag;
  }
  const readOnly = !session.isAdmin;
  const notices = h('div');
  const formBox = h('div');
  put(main, h('p', { class: 'crumbs' }, h('a', { href: '#/trunks' }, 'Trunks'), ' › '),
    h('h1', {}, creating ? 'New trunk' : `Trunk ${name}`),
    readOnly ? h('p', { class: 'readonly-note' }, 'Read-only: your token is a viewer token.') : null);
  let stop = null;
  if (!creating) {
    const card = trunkCard(name);
    const chart = h('div', { class: 'chart-box' });
    const reports = (await get(`/api/health/history?trunk=${encodeURIComponent(name)}&limit=50`)).data;
    put(main, 
      h('section', { 'aria-labelledby': 'trunk-live' }, h('h2', { id: 'trunk-live' }, 'Now'), card.card),
      h('section', { 'aria-labelledby': 'trunk-chart' }, h('h2', { id: 'trunk-chart' }, 'Channels in use, last hour'),
        h('p', { class: 'hint' }, 'Sampled by this browser tab since it opened.'), chart),
      h('section', { 'aria-labelledby': 'trunk-history' }, h('h2', { id: 'trunk-history' }, 'Health history'), healthHistory(reports)));
    stop = onLive((data) => {
      const now = data?.trunks.find((t) => t.trunk === trunk.name);
      if (!now) return;
      card.update(now);
      const at = Date.now();
      clear(chart).append(lineChart([{ name, points: history.get(trunk.name) ?? [] }], { from: at - 3600_000, to: at, title: `Channels in use on ${name} over the last hour`, yMin: now.cap }));
    });
  }
  put(main, h('section', { 'aria-labelledby': 'trunk-settings' }, h('h2', { id: 'trunk-settings' }, 'Settings'), notices, formBox));

  function render() {
    const { sections, body } = trunkForm(trunk);
    const status = statusLine();
    const form = h('form', { class: 'editor', novalidate: true, 'aria-label': creating ? 'New trunk' : `Trunk ${name} settings` },
      h('fieldset', { class: 'plain', disabled: readOnly }, h('legend', { class: 'sr-only' }, 'Trunk settings'), sections));
    if (!readOnly) {
      form.append(h('div', { class: 'actions' },
        h('button', { type: 'submit' }, creating ? 'Create trunk' : 'Save changes'),
        h('a', { href: '#/trunks', class: 'button secondary' }, 'Cancel'),
        creating ? null : confirmButton('Delete', `Delete trunk ${name}? Calls stop going to it.`, async () => {
          try {
            await api('DELETE', `/api/trunks/${seg(name)}`, { ifMatch: etag });
            navigate('/trunks', `Deleted trunk ${name}.`);
          } catch (error) {
            if (error.status === 412) await conflict(body());
            else showProblem(form, error);
          }
        })), status);
    }
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearErrors(form);
      clear(notices);
      const sent = body();
      status.textContent = 'Saving…';
      try {
        if (creating) {
          await api('POST', '/api/trunks', { body: sent });
          navigate('/trunks', `Created trunk ${sent.name}.`);
          return;
        }
        const answer = await api('PUT', `/api/trunks/${seg(name)}`, { body: sent, ifMatch: etag });
        trunk = answer.data;
        etag = answer.etag;
        render();
        formBox.querySelector('.form-status').textContent = `Saved (version ${trunk.version}).`;
      } catch (error) {
        status.textContent = '';
        if (error.status === 412) await conflict(sent);
        else showProblem(form, error);
      }
    });
    clear(formBox).append(form);
  }

  async function conflict(sent) {
    const original = trunk;
    const answer = await get(`/api/trunks/${seg(name)}`);
    trunk = answer.data;
    etag = answer.etag;
    render();
    const notice = conflictNotice('trunk', name, sent, original, trunk);
    clear(notices).append(notice);
    notice.focus();
  }

  render();
  return stop;
}
