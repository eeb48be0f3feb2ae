// API tokens (admin only): create (the token is shown once, here), revoke.
import { api, get, seg } from '../api.js';
import { h, clear, formatTime, table } from '../dom.js';
import { session } from '../session.js';
import { field, textOf, showProblem, clearErrors, confirmButton } from '../forms.js';

export async function tokensView(main) {
  main.append(h('h1', {}, 'Tokens'));
  if (!session.isAdmin) {
    main.append(h('p', { class: 'readonly-note' }, 'Only admin tokens may see and manage tokens.'));
    return null;
  }
  const listBox = h('div');
  const created = h('div');
  const name = field({ label: 'Name', name: 'name', required: true, attrs: { autocomplete: 'off' } });
  const role = field({ label: 'Role', name: 'role', type: 'select', value: 'viewer', options: [['viewer', 'viewer (read-only)'], ['admin', 'admin']] });
  const form = h('form', { class: 'editor', novalidate: true, 'aria-label': 'New token' },
    h('h2', {}, 'New token'), h('div', { class: 'grid' }, name.row, role.row),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Create token')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    try {
      const { data } = await api('POST', '/api/tokens', { body: { name: textOf(name.input), role: role.input.value } });
      const secret = h('input', { id: 'new-token-value', type: 'text', readonly: true, value: data.token, class: 'token-value', spellcheck: 'false' });
      clear(created).append(h('div', { class: 'once', role: 'alert' },
        h('h2', {}, `Token ${data.name} (${data.role})`),
        h('p', {}, 'Copy it now: the dialer keeps only its hash and will never show it again.'),
        h('label', { for: 'new-token-value' }, 'Token'), secret));
      secret.focus();
      secret.select();
      name.input.value = '';
      await load();
    } catch (error) {
      showProblem(form, error);
    }
  });
  async function load() {
    const { data } = await get('/api/tokens');
    clear(listBox).append(data.length
      ? table('Tokens', ['name', 'role', 'created', 'by', ''], data.map((t) => h('tr', { 'data-token': t.name },
        h('th', { scope: 'row' }, t.name), h('td', {}, t.role), h('td', {}, formatTime(t.createdAt)), h('td', {}, t.createdBy),
        h('td', {}, confirmButton(`Revoke ${t.name}`, `Revoke token ${t.name}? Whoever uses it is refused at once.`, async () => {
          await api('DELETE', `/api/tokens/${seg(t.name)}`);
          await load();
        })))))
      : h('p', { class: 'empty' }, 'No stored tokens (the bootstrap DIALER_ADMIN_TOKEN is not listed).'));
  }
  main.append(created, form, h('h2', {}, 'Tokens'), listBox);
  await load();
  return null;
}
