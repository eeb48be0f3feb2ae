// The whole trunk model as a form: general, servers, ACL, auth, caller identity, R-URI transform, probe policy.
// Every control's data-field is the API's field path, so problem details land next to the right control.
import { h, clear } from '../dom.js';
import { field, numberOf, textOf, linesOf, orderedPicker } from '../forms.js';
import { CODECS } from './phone.js';

const PROBE_DEFAULTS = { intervalSeconds: 30, timeoutMs: 2000, failThreshold: 3, recoverThreshold: 2, lagMs: 500, aliveCodes: '200-499' };
const NEW_SERVER = { host: '', port: 5060, transport: 'udp', scheme: 'sip', outboundProxy: '', dnsOrder: 'rfc3263', priority: 1, weight: 1, active: true };

function serverFieldset(server, index, count, onRemove) {
  const path = `servers[${index}]`;
  const f = {
    host: field({ label: 'Host', name: `${path}.host`, value: server.host, required: true, hint: 'IP address or DNS name.' }),
    port: field({ label: 'Port', name: `${path}.port`, type: 'number', value: server.port ?? '', attrs: { min: 1, max: 65535 }, hint: 'Empty: DNS SRV (RFC 3263).' }),
    transport: field({ label: 'Transport', name: `${path}.transport`, type: 'select', value: server.transport, options: ['udp', 'tcp', 'tls'] }),
    scheme: field({ label: 'Scheme', name: `${path}.scheme`, type: 'select', value: server.scheme, options: ['sip', 'sips'] }),
    outboundProxy: field({ label: 'Outbound proxy', name: `${path}.outboundProxy`, value: server.outboundProxy, hint: 'Optional host[:port] to send through.' }),
    dnsOrder: field({ label: 'DNS order', name: `${path}.dnsOrder`, type: 'select', value: server.dnsOrder ?? 'rfc3263', options: ['rfc3263', 'a-first'], hint: 'a-first: A/AAAA of the name, then its SRV.' }),
    priority: field({ label: 'Priority', name: `${path}.priority`, type: 'number', value: server.priority, attrs: { min: 1 }, hint: '1 is tried first.' }),
    weight: field({ label: 'Weight', name: `${path}.weight`, type: 'number', value: server.weight, attrs: { min: 1 }, hint: 'Share among servers of one priority.' }),
    active: field({ label: 'Active', name: `${path}.active`, type: 'checkbox', value: server.active }),
  };
  const set = h('fieldset', { class: 'group server', 'data-field': path },
    h('legend', {}, `Server ${index + 1}`),
    h('p', { class: 'error', hidden: true }),
    h('div', { class: 'grid' }, Object.values(f).map((x) => x.row)),
    count > 1 ? h('button', { type: 'button', class: 'secondary small', onclick: onRemove }, `Remove server ${index + 1}`) : null);
  const value = () => ({
    host: textOf(f.host.input), port: numberOf(f.port.input), transport: f.transport.input.value, scheme: f.scheme.input.value,
    outboundProxy: textOf(f.outboundProxy.input), dnsOrder: f.dnsOrder.input.value, priority: numberOf(f.priority.input), weight: numberOf(f.weight.input),
    active: f.active.input.checked,
  });
  return { set, value };
}

/**
 * @param {object|null} trunk the stored trunk (edit) or null (create)
 * @returns {{sections: HTMLElement[], body: () => object}}
 */
export function trunkForm(trunk) {
  const creating = trunk === null;
  const t = trunk ?? { channelCap: 30, cpsCap: 0, codecs: ['PCMU', 'PCMA'], acl: [], servers: [NEW_SERVER], callOriginHeader: 'pai', active: true };
  const probe = { ...PROBE_DEFAULTS, ...(t.probe ?? {}) };
  const ruri = t.ruriTransform ?? { strip: 0, prefix: '', params: '' };
  const f = {};
  const add = (key, spec) => { f[key] = field(spec); return f[key].row; };
  const codecs = orderedPicker({ label: 'Codecs', name: 'codecs', known: CODECS, value: t.codecs, hint: 'Offers are filtered to these, in this order.' });

  const general = h('fieldset', { class: 'group' }, h('legend', {}, 'General'), h('div', { class: 'grid' },
    creating ? add('name', { label: 'Name', name: 'name', required: true, hint: 'Letters, digits, - and _.', attrs: { autocomplete: 'off' } }) : null,
    add('description', { label: 'Description', name: 'description', value: t.description }),
    add('channelCap', { label: 'Channel cap', name: 'channelCap', type: 'number', value: t.channelCap, required: true, attrs: { min: 1 }, hint: 'Calls at once, at most.' }),
    add('cpsCap', { label: 'CPS cap', name: 'cpsCap', type: 'number', value: t.cpsCap, attrs: { min: 0 }, hint: 'New calls per second; 0: no cap.' }),
    add('dialPrefix', { label: 'Dial prefix', name: 'dialPrefix', value: t.dialPrefix, hint: 'Numbers starting with it go here (stripped).', attrs: { inputmode: 'numeric' } }),
    add('active', { label: 'Active', name: 'active', type: 'checkbox', value: t.active })), codecs.row);

  let servers = [];
  const serverBox = h('div', { class: 'servers-box' });
  const serverValues = () => servers.map((s) => s.value());
  function renderServers(list) {
    servers = list.map((server, index) => serverFieldset(server, index, list.length, () => {
      const current = serverValues();
      current.splice(index, 1);
      renderServers(current);
      serverBox.querySelector('input')?.focus();
    }));
    clear(serverBox).append(...servers.map((s) => s.set));
  }
  renderServers(t.servers.length ? t.servers : [NEW_SERVER]);
  const serversGroup = h('fieldset', { class: 'group', 'data-field': 'servers' }, h('legend', {}, 'Servers'),
    h('p', { class: 'error', hidden: true }), serverBox,
    h('button', { type: 'button', class: 'secondary', onclick: () => { renderServers([...serverValues(), { ...NEW_SERVER, priority: servers.length + 1 }]); serverBox.lastElementChild.querySelector('input').focus(); } }, 'Add server'));

  const access = h('fieldset', { class: 'group' }, h('legend', {}, 'Access'),
    add('acl', { label: 'ACL (carrier networks)', name: 'acl', type: 'textarea', value: (t.acl ?? []).join('\n'), hint: 'One CIDR per line, e.g. 203.0.113.0/24. Inbound calls are taken only from these.' }),
    add('authOn', { label: 'The carrier asks for digest credentials', name: 'authOn', type: 'checkbox', value: Boolean(t.auth) }),
    h('div', { class: 'grid', 'data-field': 'auth' },
      add('authUsername', { label: 'Auth username', name: 'auth.username', value: t.auth?.username }),
      add('authPassword', { label: 'Auth password', name: 'auth.password', type: 'password', attrs: { autocomplete: 'new-password' }, hint: t.auth ? 'Write-only, never shown. Empty: keep the stored one.' : 'Write-only, never shown.' })));
  const syncAuth = () => { for (const key of ['authUsername', 'authPassword']) f[key].input.disabled = !f.authOn.input.checked; };
  f.authOn.input.addEventListener('change', syncAuth);
  syncAuth();

  const identity = h('fieldset', { class: 'group' }, h('legend', {}, 'Caller identity'), h('div', { class: 'grid' },
    add('callOriginHeader', { label: 'Call origin header', name: 'callOriginHeader', type: 'select', value: t.callOriginHeader ?? 'pai',
      options: [['pai', 'P-Asserted-Identity (pai)'], ['rpid', 'Remote-Party-ID (rpid)'], ['from', 'From only (from)']] }),
    add('fromUser', { label: 'From user', name: 'fromUser', value: t.fromUser, hint: 'Empty: the caller.' }),
    add('fromDomain', { label: 'From domain', name: 'fromDomain', value: t.fromDomain, hint: 'Empty: the server host.' })));

  const transform = h('fieldset', { class: 'group' }, h('legend', {}, 'R-URI transform'), h('div', { class: 'grid' },
    add('strip', { label: 'Strip digits', name: 'ruriTransform.strip', type: 'number', value: ruri.strip, attrs: { min: 0, max: 32 } }),
    add('prefix', { label: 'Prefix', name: 'ruriTransform.prefix', value: ruri.prefix, hint: 'Added after stripping, e.g. 0044.' }),
    add('params', { label: 'URI parameters', name: 'ruriTransform.params', value: ruri.params, hint: 'e.g. user=phone' })));

  const probing = h('fieldset', { class: 'group' }, h('legend', {}, 'Probe policy (OPTIONS)'), h('div', { class: 'grid' },
    add('intervalSeconds', { label: 'Interval (s)', name: 'probe.intervalSeconds', type: 'number', value: probe.intervalSeconds, attrs: { min: 1 } }),
    add('timeoutMs', { label: 'Timeout (ms)', name: 'probe.timeoutMs', type: 'number', value: probe.timeoutMs, attrs: { min: 50 } }),
    add('failThreshold', { label: 'Down after failures', name: 'probe.failThreshold', type: 'number', value: probe.failThreshold, attrs: { min: 1 } }),
    add('recoverThreshold', { label: 'Up after successes', name: 'probe.recoverThreshold', type: 'number', value: probe.recoverThreshold, attrs: { min: 1 } }),
    add('lagMs', { label: 'Lagged above (ms)', name: 'probe.lagMs', type: 'number', value: probe.lagMs, attrs: { min: 0 } }),
    add('aliveCodes', { label: 'Alive reply codes', name: 'probe.aliveCodes', value: probe.aliveCodes, hint: 'e.g. 200-499 or 200-299,403' })));

  function body() {
    const result = {
      description: textOf(f.description.input),
      channelCap: numberOf(f.channelCap.input),
      cpsCap: numberOf(f.cpsCap.input),
      codecs: codecs.value(),
      dialPrefix: textOf(f.dialPrefix.input),
      acl: linesOf(f.acl.input),
      auth: f.authOn.input.checked
        ? { username: textOf(f.authUsername.input), password: f.authPassword.input.value === '' ? null : f.authPassword.input.value }
        : null,
      callOriginHeader: f.callOriginHeader.input.value,
      ruriTransform: { strip: numberOf(f.strip.input), prefix: textOf(f.prefix.input), params: textOf(f.params.input) },
      fromUser: textOf(f.fromUser.input),
      fromDomain: textOf(f.fromDomain.input),
      probe: {
        intervalSeconds: numberOf(f.intervalSeconds.input), timeoutMs: numberOf(f.timeoutMs.input),
        failThreshold: numberOf(f.failThreshold.input), recoverThreshold: numberOf(f.recoverThreshold.input),
        lagMs: numberOf(f.lagMs.input), aliveCodes: textOf(f.aliveCodes.input),
      },
      servers: serverValues(),
      active: f.active.input.checked,
    };
    if (creating) result.name = textOf(f.name.input);
    return result;
  }
  return { sections: [general, serversGroup, access, identity, transform, probing], body };
}
