import i18next, { type i18n as I18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { commonMessages } from './messages.js';

/**
 * Thai is the default; English is a switch away and the choice is remembered on this device. Every string the
 * user reads lives in a catalogue: `shared/messages.ts` (namespace `common`) and one `messages.ts` per screen
 * area (its own namespace), each with the same keys in `th` and `en` (a test checks this).
 */
export type Language = 'th' | 'en';
export const LANGUAGES: readonly Language[] = ['th', 'en'];
const STORAGE_KEY = 'casetrail.language';

/** A catalogue: the same (possibly nested) keys in Thai and English. */
export interface Catalogue {
  th: Record<string, unknown>;
  en: Record<string, unknown>;
}

function storedLanguage(): Language {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    return stored === 'en' ? 'en' : 'th';
  } catch {
    return 'th';
  }
}

export const i18n: I18n = i18next.createInstance();

void i18n.use(initReactI18next).init({
  lng: storedLanguage(),
  fallbackLng: 'th',
  supportedLngs: [...LANGUAGES],
  ns: ['common'],
  defaultNS: 'common',
  resources: { th: { common: commonMessages.th }, en: { common: commonMessages.en } },
  interpolation: { escapeValue: false },
  returnNull: false,
  initAsync: false,
});
document.documentElement.lang = i18n.language;

/** Adds a screen area's catalogue under its namespace (call at module load of the area). */
export function addMessages(namespace: string, catalogue: Catalogue): void {
  i18n.addResourceBundle('th', namespace, catalogue.th, true, true);
  i18n.addResourceBundle('en', namespace, catalogue.en, true, true);
}

export function setLanguage(language: Language): void {
  void i18n.changeLanguage(language);
  document.documentElement.lang = language;
  try {
    localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // private mode: the choice lasts for this page only
  }
}

export function currentLanguage(): Language {
  return i18n.language === 'en' ? 'en' : 'th';
}
