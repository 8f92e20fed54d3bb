// Small DOM helpers shared by the apps: escaping, the connection banner, status messages.
import { t, onLanguageChange } from './i18n.js';
import { ApiError } from './api.js';

export function esc(value) {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

export const $ = (selector, root = document) => root.querySelector(selector);

/** Shows the live connection's state in a banner (role=status); hidden text-only "live" badge when online. */
export function mountConnectionBanner(element, live) {
  let state = 'connecting';
  const render = () => {
    element.dataset.state = state;
    element.textContent = t(`live.${state}`);
  };
  live.onState((next) => {
    state = next;
    render();
  });
  onLanguageChange(render);
}

/** Puts a message in a live region (role=alert for errors, status otherwise). */
export function say(element, text, kind = 'info') {
  element.textContent = text;
  element.dataset.kind = kind;
  element.hidden = !text;
}

/** A short two-tone chime with Web Audio (no sound file to fetch); silent when the browser blocks audio. */
export function chime() {
  try {
    const Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return;
    chime.ctx ??= new Ctx();
    const ctx = chime.ctx;
    const now = ctx.currentTime;
    [880, 1320].forEach((frequency, i) => {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, now + i * 0.18);
      gain.gain.exponentialRampToValueAtTime(0.3, now + i * 0.18 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + i * 0.18 + 0.16);
      osc.connect(gain).connect(ctx.destination);
      osc.start(now + i * 0.18);
      osc.stop(now + i * 0.18 + 0.17);
    });
  } catch {
    // No audio: the highlight and the announcement still show the new ticket.
  }
}

/** An error as a person reads it: the problem's detail and field messages, "try again" for a server or network failure, or "offline". */
export function describe(error) {
  if (error instanceof ApiError) {
    if (error.status === 0 || error.status >= 500) return t('common.tryAgain');
    const fields = error.problem?.errors ? Object.values(error.problem.errors).flat().join(' ') : '';
    return `${error.message}${fields ? ` ${fields}` : ''}`;
  }
  return navigator.onLine ? String(error?.message ?? error) : t('live.offline');
}

/** Shows the page's section <c>view-{name}</c> and hides the others. */
export function view(name) {
  for (const section of document.querySelectorAll('main > section')) section.hidden = section.id !== `view-${name}`;
}
