// One phone: create (#/phones/new) or edit (#/phones/EXT) with If-Match; the password is write-only.
import { api, get, seg } from '../api.js';
import { h, put, clear, badge, table } from '../dom.js';
import { session } from '../session.js';
import { navigate } from '../router.js';
import { field, numberOf, textOf, showProblem, clearErrors, conflictNotice, orderedPicker, checkboxGroup, confirmButton, statusLine } from '../forms.js';

export const CODECS = ['PCMU', 'PCMA', 'G722', 'G729', 'opus', 'telephone-event'];

function phoneForm(phone, trunkNames, creating) {
  const fields = {};
  const add = (key, spec) => { fields[key] = field(spec); return fields[key].row; };
  const codecs = orderedPicker({ label: 'Codecs', name: 'codecs', known: CODECS, value: phone?.codecs ?? ['PCMU', 'PCMA'], hint: 'In order of preference.' });
  const outbound = phone?.outboundTrunks ?? [];
  const trunks = checkboxGroup({
    label: 'Outbound trunks', name: 'outboundTrunks',
    items: [['*', 'All trunks (*)'], ...trunkNames.map((n) => [n, n])], value: outbound,
    hint: 'Which trunks this phone may call out through; none ticked means none.',
  });
  const simple = [
    creating ? add('extension', { label: 'Extension', name: 'extension', required: true, attrs: { autocomplete: 'off', inputmode: 'numeric' } }) : null,
    add('displayName', { label: 'Display name', name: 'displayName', value: phone?.displayName }),
    add('password', {
      label: 'Password', name: 'password', type: 'password', required: creating,
      hint: creating ? 'Write-only: 8 to 128 characters; it is never shown again.' : 'Write-only, never shown. Leave empty to keep the current password.',
      attrs: { autocomplete: 'new-password' },
    }),
    add('authUsername', { label: 'Auth username', name: 'authUsername', value: phone?.authUsername, hint: 'Empty: the extension.' }),
    add('realm', { label: 'Realm', name: 'realm', value: phone?.realm, hint: 'Empty: the dialer default.' }),
    add('maxContacts', { label: 'Max contacts', name: 'maxContacts', type: 'number', value: phone?.maxContacts ?? 1, attrs: { min: 1, max: 10 } }),
    add('callerId', { label: 'Caller ID', name: 'callerId', value: phone?.callerId, hint: 'The number carriers see: digits with an optional +, or anonymous. Empty: the extension.' }),
    add('active', { label: 'Active', name: 'active', type: 'checkbox', value: phone?.active ?? true }),
  ];
  const rows = [h('div', { class: 'grid' }, simple), codecs.row, trunks.row];
  function body() {
    const result = {
      displayName: textOf(fields.displayName.input),
      codecs: codecs.value(),
      maxContacts: numberOf(fields.maxContacts.input),
      outboundTrunks: trunks.value(),
      callerId: textOf(fields.callerId.input),
      active: fields.active.input.checked,
    };
    if (creating) result.extension = textOf(fields.extension.input);
    const authUsername = textOf(fields.authUsername.input);
    const realm = textOf(fields.realm.input);
    if (authUsername) result.authUsername = authUsername;
    if (realm) result.realm = realm;
    const password = fields.password.input.value;
    if (password) result.password = password;
    return result;
  }
  return { rows, body };
}

export async function phoneView(main, extension) {
  const creating = extension === 'new';
  const trunkNames = (await get('/api/trunks?limit=1000')).data.map((t) => t.name);
  let phone = null;
  let etag = null;
  if (!creating) {
    const answer = await get(`/api/phones/${seg(extension)}`);
    phone = answer.data;
    etag = answer.etag;
  }
  const readOnly = !session.isAdmin;
  const notices = h('div');
  const formBox = h('div');
  const registration = h('div', { class: 'registration-box' });
  put(main, 
    h('p', { class: 'crumbs' }, h('a', { href: '#/phones' }, 'Phones'), ' › '),
    h('h1', {}, creating ? 'New phone' : `Phone ${extension}`),
    readOnly ? h('p', { class: 'readonly-note' }, 'Read-only: your token is a viewer token.') : null,
    creating ? null : h('section', { 'aria-labelledby': 'phone-reg' }, h('h2', { id: 'phone-reg' }, 'Registration'), registration),
    notices, formBox);

  function render() {
    const { rows, body } = phoneForm(phone, trunkNames, creating);
    const status = statusLine();
    const fieldset = h('fieldset', { class: 'plain', disabled: readOnly }, h('legend', { class: 'sr-only' }, 'Phone settings'), rows);
    const form = h('form', { class: 'editor', novalidate: true, 'aria-label': creating ? 'New phone' : `Phone ${extension}` }, fieldset);
    if (!readOnly) {
      form.append(h('div', { class: 'actions' },
        h('button', { type: 'submit' }, creating ? 'Create phone' : 'Save changes'),
        h('a', { href: '#/phones', class: 'button secondary' }, 'Cancel'),
        creating ? null : confirmButton('Delete', `Delete phone ${extension}? Its registrations end.`, async () => {
          try {
            await api('DELETE', `/api/phones/${seg(extension)}`, { ifMatch: etag });
            navigate('/phones', `Deleted phone ${extension}.`);
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
          await api('POST', '/api/phones', { body: sent });
          navigate(`/phones/${seg(sent.extension)}`, `Created phone ${sent.extension}.`);
          return;
        }
        const answer = await api('PUT', `/api/phones/${seg(extension)}`, { body: sent, ifMatch: etag });
        phone = answer.data;
        etag = answer.etag;
        render();
        formBox.querySelector('.form-status').textContent = `Saved (version ${phone.version}).`;
      } catch (error) {
        status.textContent = '';
        if (error.status === 412) await conflict(sent);
        else showProblem(form, error);
      }
    });
    clear(formBox).append(form);
  }

  async function conflict(sent) {
    const original = phone;
    const answer = await get(`/api/phones/${seg(extension)}`);
    phone = answer.data;
    etag = answer.etag;
    render();
    const notice = conflictNotice('phone', extension, sent, original, phone);
    clear(notices).append(notice);
    notice.focus();
  }

  render();
  if (creating) return null;
  let alive = true;
  let timer = null;
  async function refresh() {
    try {
      const { data } = await get(`/api/registrations?extension=${encodeURIComponent(extension)}`);
      clear(registration).append(data.length === 0
        ? h('p', {}, badge('not registered', 'unregistered'))
        : [h('p', {}, badge('registered')), table('Contacts', ['contact', 'source', 'expires in', 'user agent'],
          data.map((b) => h('tr', {}, h('td', {}, b.contact), h('td', {}, b.source), h('td', {}, `${b.expiresIn} s`), h('td', {}, b.userAgent))))]);
    } catch {
      // Tried again in a second.
    }
    if (alive) timer = setTimeout(refresh, 1000);
  }
  refresh();
  return () => { alive = false; clearTimeout(timer); };
}
