// The sign-in every app's page shares: the sign-out button, and for the apps people sign in to with an id and a
// password or PIN (merchant, courier, board) the sign-in form and the role the account must hold. The session itself
// (tokens in localStorage, refresh, the bearer header) is api.js's; this module only wires the page to it.
import { t } from './i18n.js';
import { ApiError } from './api.js';
import { $, say, describe, view } from './ui.js';

/**
 * The #sign-out button: stops the live connection (when given), ends the session, then `then` (by default a reload,
 * which leaves nothing of the account on the page).
 */
export function mountSignOut(api, { live = null, then = () => location.reload() } = {}) {
  $('#sign-out').addEventListener('click', async () => {
    await live?.stop();
    await api.signOut();
    then();
  });
}

/**
 * Wires #signin-form (#account and the password or PIN field `secret`) and #sign-out, and returns `start`: shown
 * signed out, the sign-in view; signed in, the account must hold `role` (else the message `notInRole`), and
 * `signedIn(scopeId, me)` opens the app for that role's scope (stall, courier or market id). `start` runs again after
 * a sign-in and when the session ends (a refused refresh). `signedInOnly` are selectors of header controls shown only
 * while signed in (the sign-out button and the connection banner always are); `afterSignIn` runs inside the form's
 * user gesture (the merchant's chime needs one).
 */
export function mountSignIn(api, live, { secret, role, notInRole, signedInOnly = [], afterSignIn = () => {}, signedIn }) {
  async function start() {
    const isSignedIn = api.signedIn;
    for (const selector of ['#sign-out', '#conn', ...signedInOnly]) $(selector).hidden = !isSignedIn;
    if (!isSignedIn) {
      view('signin');
      return;
    }
    try {
      const me = await api.me();
      const scopeId = me.roles.find((r) => r.role === role)?.scopeId ?? null;
      if (!scopeId) {
        say($('#message'), t(notInRole), 'error');
        view('signin');
        return;
      }
      await signedIn(scopeId, me);
    } catch (error) {
      say($('#message'), describe(error), 'error');
    }
  }

  api.onSignedOut = () => start();
  mountSignOut(api, { live });
  $('#signin-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await api.signIn($('#account').value.trim(), $(secret).value);
      $(secret).value = '';
      afterSignIn();
      start();
    } catch (error) {
      say($('#message'), error instanceof ApiError && error.status === 401 ? t('merchant.signInFailed') : describe(error), 'error');
    }
  });
  return start;
}
