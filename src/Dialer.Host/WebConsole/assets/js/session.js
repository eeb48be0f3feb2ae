// The signed-in token, kept in sessionStorage: it lives as long as the tab and is never sent anywhere but
// this dialer's /api, as a bearer token.

const KEY = 'dialer.console.token';

export const session = {
  token: sessionStorage.getItem(KEY),
  name: '',
  role: 'viewer',
  /** Called when the API refuses the token mid-session (revoked): back to the sign-in page. */
  onExpired: () => {},

  get isAdmin() {
    return this.role === 'admin';
  },

  remember(token, who) {
    this.token = token;
    this.name = who.name;
    this.role = who.role;
    sessionStorage.setItem(KEY, token);
  },

  forget() {
    this.token = null;
    this.name = '';
    this.role = 'viewer';
    sessionStorage.removeItem(KEY);
  },
};
