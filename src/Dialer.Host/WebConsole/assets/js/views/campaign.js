// One campaign: settings (If-Match), allocations per trunk with what each trunk has left, and the latest run
// summary (/api/campaigns/{name}/summary).
import { api, get, seg } from '../api.js';
import { h, put, clear, formatTime } from '../dom.js';
import { session } from '../session.js';
import { navigate } from '../router.js';
import { field, numberOf, textOf, showProblem, clearErrors, conflictNotice, confirmButton, statusLine } from '../forms.js';
import { capacityOf, capacityTable } from './campaigns.js';

const RESTRICTIONS = [['OVERFLOW_ALLOWED', 'OVERFLOW_ALLOWED: may also use unreserved channels'], ['MAXIMUM_LIMIT', 'MAXIMUM_LIMIT: never more than reserved']];

function summaryBox(summary) {
  if (!summary || summary.attempts === 0) return h('p', {}, 'No dialer run yet (dialer campaign run --campaign NAME --leads FILE.csv).');
  const pct = (v) => (v === null || v === undefined ? '–' : `${(v * 100).toFixed(1)} %`);
  const rows = [
    ['leads', `${summary.leads} (${summary.pending} pending, ${summary.done} done)`],
    ['lead outcomes', Object.entries(summary.leadOutcomes).map(([k, v]) => `${k} ${v}`).join(', ') || '–'],
    ['attempts', String(summary.attempts)],
    ['attempt outcomes', Object.entries(summary.attemptOutcomes).map(([k, v]) => `${k} ${v}`).join(', ') || '–'],
    ['answer rate', pct(summary.answerRate)],
    ['average setup', summary.averageSetupMs === null ? '–' : `${Math.round(summary.averageSetupMs)} ms`],
    ['achieved calls per second', summary.achievedCps === null ? '–' : summary.achievedCps.toFixed(2)],
    ['shortage (calls held back for want of channels)', String(summary.shortage)],
    ['runs', String(summary.runs)],
    ['calls from / to', `${formatTime(summary.firstCallAt)} – ${formatTime(summary.lastCallAt)}`],
  ];
  return h('dl', { class: 'summary' }, rows.map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v))));
}

export async function campaignView(main, name) {
  const creating = name === 'new';
  const trunks = (await get('/api/trunks?limit=1000')).data;
  let campaign = null;
  let etag = null;
  let summary = null;
  let everyone = [];
  async function reload() {
    const [answer, all, runs] = await Promise.all([get(`/api/campaigns/${seg(name)}`), get('/api/campaigns?limit=1000'), get(`/api/campaigns/${seg(name)}/summary`)]);
    campaign = answer.data;
    etag = answer.etag;
    everyone = all.data;
    summary = runs.data;
  }
  if (!creating) await reload();
  const readOnly = !session.isAdmin;
  const notices = h('div');
  const formBox = h('div');
  const allocBox = h('div');
  const summaryBoxEl = h('div');
  put(main, h('p', { class: 'crumbs' }, h('a', { href: '#/campaigns' }, 'Campaigns'), ' › '),
    h('h1', {}, creating ? 'New campaign' : `Campaign ${name}`),
    readOnly ? h('p', { class: 'readonly-note' }, 'Read-only: your token is a viewer token.') : null,
    creating ? null : h('section', { 'aria-labelledby': 'c-summary' }, h('h2', { id: 'c-summary' }, 'Latest run summary'), summaryBoxEl),
    creating ? null : h('section', { 'aria-labelledby': 'c-alloc' }, h('h2', { id: 'c-alloc' }, 'Allocations'), allocBox),
    h('section', { 'aria-labelledby': 'c-settings' }, h('h2', { id: 'c-settings' }, 'Settings'), notices, formBox));

  function renderAllocations() {
    const mine = campaign.allocations;
    const capacity = capacityOf(trunks, everyone).filter((c) => mine.some((a) => a.trunk === c.trunk));
    const parts = [capacity.length ? capacityTable(capacity, `Trunks ${name} has allocations on: every campaign's reservations against the cap`) : h('p', {}, 'No allocations: the campaign may use any trunk\'s unreserved channels.')];
    if (!readOnly) {
      for (const a of mine) {
        const reserved = field({ label: `Reserved on ${a.trunk}`, name: 'reserved', type: 'number', value: a.reserved, attrs: { min: 0 } });
        const restriction = field({ label: `Restriction on ${a.trunk}`, name: 'restriction', type: 'select', value: a.restriction, options: RESTRICTIONS });
        const status = statusLine();
        const form = h('form', { class: 'allocation', novalidate: true, 'aria-label': `Allocation on ${a.trunk}` },
          h('div', { class: 'grid' }, reserved.row, restriction.row),
          h('div', { class: 'actions' }, h('button', { type: 'submit' }, `Save ${a.trunk}`),
            confirmButton(`Remove ${a.trunk}`, `Remove the allocation on ${a.trunk}?`, async () => {
              await api('DELETE', `/api/campaigns/${seg(name)}/trunks/${seg(a.trunk)}`);
              await reload();
              renderAll();
            })), status);
        form.addEventListener('submit', (event) => saveAllocation(event, form, a.trunk, reserved.input, restriction.input));
        parts.push(form);
      }
      const free = trunks.filter((t) => !mine.some((a) => a.trunk === t.name));
      if (free.length) {
        const trunk = field({ label: 'Trunk', name: 'trunk', type: 'select', options: free.map((t) => t.name) });
        const reserved = field({ label: 'Reserved channels', name: 'reserved', type: 'number', value: 1, attrs: { min: 0 } });
        const restriction = field({ label: 'Restriction', name: 'restriction', type: 'select', value: 'OVERFLOW_ALLOWED', options: RESTRICTIONS });
        const form = h('form', { class: 'allocation', novalidate: true, 'aria-label': 'Add an allocation' },
          h('h3', {}, 'Add an allocation'), h('div', { class: 'grid' }, trunk.row, reserved.row, restriction.row),
          h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Add allocation')), statusLine());
        form.addEventListener('submit', (event) => saveAllocation(event, form, trunk.input.value, reserved.input, restriction.input));
        parts.push(form);
      }
    }
    clear(allocBox).append(...parts);
  }

  async function saveAllocation(event, form, trunk, reserved, restriction) {
    event.preventDefault();
    clearErrors(form);
    try {
      await api('PUT', `/api/campaigns/${seg(name)}/trunks/${seg(trunk)}`, { body: { reserved: numberOf(reserved), restriction: restriction.value } });
      await reload();
      renderAll();
      allocBox.querySelector(`form[aria-label="Allocation on ${CSS.escape(trunk)}"] .form-status`)?.append(`Saved the allocation on ${trunk}.`);
    } catch (error) {
      showProblem(form, error);
    }
  }

  function renderForm() {
    const f = {
      name: creating ? field({ label: 'Name', name: 'name', required: true, attrs: { autocomplete: 'off' } }) : null,
      description: field({ label: 'Description', name: 'description', value: campaign?.description }),
      active: field({ label: 'Active', name: 'active', type: 'checkbox', value: campaign?.active ?? true }),
      retries: field({ label: 'Retries', name: 'retries', type: 'number', value: campaign?.retries ?? 1, attrs: { min: 0, max: 20 }, hint: 'More calls to a busy, unanswered or failed lead.' }),
      retryDelaySeconds: field({ label: 'Retry delay (s)', name: 'retryDelaySeconds', type: 'number', value: campaign?.retryDelaySeconds ?? 300, attrs: { min: 1 } }),
    };
    const status = statusLine();
    const form = h('form', { class: 'editor', novalidate: true, 'aria-label': 'Campaign settings' },
      h('fieldset', { class: 'plain', disabled: readOnly }, h('legend', { class: 'sr-only' }, 'Campaign settings'),
        h('div', { class: 'grid' }, Object.values(f).filter(Boolean).map((x) => x.row))));
    const body = () => {
      const result = {
        description: textOf(f.description.input), active: f.active.input.checked,
        retries: numberOf(f.retries.input), retryDelaySeconds: numberOf(f.retryDelaySeconds.input),
        // PUT replaces the campaign whole: keep the allocations as read (they are edited above).
        allocations: (campaign?.allocations ?? []).map((a) => ({ trunk: a.trunk, reserved: a.reserved, restriction: a.restriction })),
      };
      if (creating) result.name = textOf(f.name.input);
      return result;
    };
    if (!readOnly) {
      form.append(h('div', { class: 'actions' }, h('button', { type: 'submit' }, creating ? 'Create campaign' : 'Save changes'),
        creating ? null : confirmButton('Delete', `Delete campaign ${name}?`, async () => {
          try {
            await api('DELETE', `/api/campaigns/${seg(name)}`, { ifMatch: etag });
            navigate('/campaigns', `Deleted campaign ${name}.`);
          } catch (error) {
            showProblem(form, error);
          }
        })), status);
    }
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearErrors(form);
      clear(notices);
      const sent = body();
      try {
        if (creating) {
          await api('POST', '/api/campaigns', { body: sent });
          navigate(`/campaigns/${seg(sent.name)}`, `Created campaign ${sent.name}.`);
          return;
        }
        await api('PUT', `/api/campaigns/${seg(name)}`, { body: sent, ifMatch: etag });
        await reload();
        renderAll();
        formBox.querySelector('.form-status').textContent = `Saved (version ${campaign.version}).`;
      } catch (error) {
        if (error.status === 412) {
          const original = campaign;
          await reload();
          renderAll();
          const notice = conflictNotice('campaign', name, sent, original, campaign);
          clear(notices).append(notice);
          notice.focus();
        } else {
          showProblem(form, error);
        }
      }
    });
    clear(formBox).append(form);
  }

  function renderAll() {
    renderForm();
    if (!creating) {
      renderAllocations();
      clear(summaryBoxEl).append(summaryBox(summary));
    }
  }
  renderAll();
  return null;
}
