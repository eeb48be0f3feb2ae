// The console's shell: sign-in, navigation and a hash router (#/phones, #/trunks/NAME, ...).
import { api } from './api.js';
import { h, clear, announce } from './dom.js';
import { session } from './session.js';
import { startLive, stopLive } from './live.js';
import { onRoute, takeFlash } from './router.js';
import { signInView } from './views/signin.js';
import { dashboardView } from './views/dashboard.js';
import { phonesView } from './views/phones.js';
import { phoneView } from './views/phone.js';
import { trunksView } from './views/trunks.js';
import { trunkView } from './views/trunk.js';
import { campaignsView } from './views/campaigns.js';
import { campaignView } from './views/campaign.js';
import { tokensView } from './views/tokens.js';
import { auditView } from './views/audit.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
let cleanup = null;

const PAGES = [
  { path: '/', text: 'Dashboard' },
  { path: '/phones', text: 'Phones' },
  { path: '/trunks', text: 'Trunks' },
  { path: '/campaigns', text: 'Campaigns' },
  { path: '/tokens', text: 'Tokens', admin: true },
  { path: '/audit', text: 'Audit log' },
];

const ROUTES = [
  [/^\/$/, dashboardView],
  [/^\/phones$/, phonesView],
  [/^\/phones\/(.+)$/, phoneView],
  [/^\/trunks$/, trunksView],
  [/^\/trunks\/(.+)$/, trunkView],
  [/^\/campaigns$/, campaignsView],
  [/^\/campaigns\/(.+)$/, campaignView],
  [/^\/tokens$/, tokensView],
  [/^\/audit$/, auditView],
];

function currentPath() {
  const hash = location.hash.startsWith('#/') ? location.hash.slice(1) : '/';
  return hash.split('?')[0] || '/';
}

function renderNav(path) {
  clear(nav);
  for (const page of PAGES) {
    if (page.admin && !session.isAdmin) continue;
    const current = page.path === '/' ? path === '/' : path === page.path || path.startsWith(`${page.path}/`);
    nav.append(h('li', {}, h('a', { href: `#${page.path}`, 'aria-current': current ? 'page' : null }, page.text)));
  }
  document.getElementById('who').textContent = `${session.name} (${session.role}${session.isAdmin ? '' : ', read-only'})`;
}

async function route() {
  if (!session.token || !session.name) return;
  const path = currentPath();
  cleanup?.();
  cleanup = null;
  clear(main);
  renderNav(path);
  const found = ROUTES.find(([pattern]) => pattern.test(path));
  if (!found) {
    main.append(h('h1', { tabindex: '-1' }, 'Not found'), h('p', {}, 'There is no such console page. '), h('a', { href: '#/' }, 'Go to the dashboard'));
    return;
  }
  const [pattern, view] = found;
  const params = pattern.exec(path).slice(1).map(decodeURIComponent);
  const flash = takeFlash();
  if (flash) main.append(h('p', { class: 'flash', role: 'status' }, flash));
  try {
    cleanup = (await view(main, ...params)) ?? null;
  } catch (error) {
    main.append(h('div', { class: 'error-summary', role: 'alert' }, h('h2', {}, 'This page could not be loaded'), h('p', {}, error.message)));
  }
  const heading = main.querySelector('h1');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus({ preventScroll: true });
    document.title = `${heading.textContent} · Dialer console`;
    announce(heading.textContent);
  }
}

function showSignIn(message) {
  cleanup?.();
  cleanup = null;
  stopLive();
  document.getElementById('top').hidden = true;
  document.title = 'Sign in · Dialer console';
  signInView(main, message, async () => {
    document.getElementById('top').hidden = false;
    startLive();
    await route();
  });
}

session.onExpired = (error) => {
  session.forget();
  showSignIn(`Signed out: the dialer no longer accepts your token (${error.message}). Sign in again.`);
};

document.getElementById('signout').addEventListener('click', () => {
  session.forget();
  showSignIn('Signed out.');
});

document.getElementById('skip').addEventListener('click', (event) => {
  event.preventDefault();
  main.focus();
});

window.addEventListener('hashchange', () => {
  if (location.hash.startsWith('#/') || location.hash === '') route();
});

async function start() {
  if (!session.token) {
    showSignIn();
    return;
  }
  try {
    const { data } = await api('GET', '/api/whoami', { token: session.token });
    session.remember(session.token, data);
  } catch (error) {
    session.forget();
    showSignIn(error.status === 401 ? 'Your token is no longer accepted; sign in again.' : error.message);
    return;
  }
  document.getElementById('top').hidden = false;
  startLive();
  await route();
}

onRoute(route);
start();
