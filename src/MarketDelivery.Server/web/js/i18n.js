// Texts in one resource file per language (i18n/ko.json, i18n/en.json). Korean first; the choice is remembered
// in localStorage. Elements carry data-i18n="key" (text) or data-i18n-attr="attr:key;attr:key" (attributes).
const STORAGE_KEY = 'md.lang';
export const LANGUAGES = ['ko', 'en'];

let lang = 'ko';
let texts = {};
const listeners = new Set();

export function currentLanguage() {
  return lang;
}

export async function initI18n() {
  const stored = localStorage.getItem(STORAGE_KEY);
  await setLanguage(LANGUAGES.includes(stored) ? stored : 'ko', { remember: false });
}

export async function setLanguage(next, { remember = true } = {}) {
  const response = await fetch(`/i18n/${next}.json`, { cache: 'no-cache' });
  if (!response.ok) throw new Error(`language ${next}: ${response.status}`);
  texts = await response.json();
  lang = next;
  if (remember) localStorage.setItem(STORAGE_KEY, next);
  document.documentElement.lang = next;
  applyTexts(document);
  for (const listener of listeners) listener(next);
}

/** Called after every language change (to re-render dynamic parts). */
export function onLanguageChange(listener) {
  listeners.add(listener);
}

/** The text of a key with {name} placeholders filled; the key itself when missing (visible, never blank). */
export function t(key, values = {}) {
  const text = texts[key];
  if (typeof text !== 'string') return key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in values ? String(values[name]) : `{${name}}`));
}

export function applyTexts(root) {
  for (const el of root.querySelectorAll('[data-i18n]')) {
    el.textContent = t(el.dataset.i18n);
  }
  for (const el of root.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of el.dataset.i18nAttr.split(';')) {
      const [attr, key] = pair.split(':');
      if (attr && key) el.setAttribute(attr.trim(), t(key.trim()));
    }
  }
  const title = document.querySelector('title[data-i18n]');
  if (title) document.title = title.textContent;
}

/** A button that switches between Korean and English (label in the other language). */
export function mountLanguageSwitch(button) {
  const render = () => {
    const other = lang === 'ko' ? 'en' : 'ko';
    button.textContent = other === 'en' ? 'English' : '한국어';
    button.lang = other;
    // The visible name is the accessible name (WCAG 2.5.3); the title explains it.
    button.title = t('common.switchLanguage');
  };
  button.addEventListener('click', () => setLanguage(lang === 'ko' ? 'en' : 'ko'));
  onLanguageChange(render);
  render();
}
