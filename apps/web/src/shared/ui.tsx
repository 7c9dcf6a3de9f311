import { useEffect, useId, type ReactNode, type SelectHTMLAttributes, type InputHTMLAttributes, type TextareaHTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { COMPLAINT_CATEGORIES, PROVINCES } from '#domain';
import { ApiError } from './api.js';
import { currentLanguage, LANGUAGES, setLanguage, type Language } from './i18n.js';
import { formatDate, formatDateTime, formatFiscalYear, formatNumber } from './format.js';

/** The page's heading, also the document title (screen readers announce it on navigation). */
export function Page({ title, actions, children }: { title: string; actions?: ReactNode; children: ReactNode }) {
  useEffect(() => {
    document.title = `${title} · casetrail`;
  }, [title]);
  return (
    <section className="page" aria-labelledby="page-title">
      <header className="page-header">
        <h1 id="page-title">{title}</h1>
        {actions ? <div className="page-actions">{actions}</div> : null}
      </header>
      {children}
    </section>
  );
}

/** An error as the user should read it: our translated sentence for the status, the server's detail beneath. */
export function ErrorMessage({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  const api = error instanceof ApiError ? error : undefined;
  const key =
    !api ? 'error.title'
    : api.status === 0 ? 'error.network'
    : api.status === 400 && api.errors.length > 0 ? 'error.fields'
    : api.status === 401 ? 'error.unauthorized'
    : api.status === 403 ? 'error.forbidden'
    : api.status === 404 ? 'error.notFound'
    : api.status === 409 && api.code === 'STREAM.VERSION_CONFLICT' ? 'error.conflict'
    : api.status === 409 && api.code === 'REQUEST.IN_PROGRESS' ? 'error.inProgress'
    : api.status === 409 ? 'error.rule'
    : api.status === 429 ? 'error.tooMany'
    : api.status >= 500 ? 'error.server'
    : 'error.title';
  return (
    <div className="alert alert-error" role="alert">
      <strong>{t(key)}</strong>
      {api && api.status > 0 && api.status < 500 && api.message && !(api.status === 400 && api.errors.length > 0) ? <p className="alert-detail">{api.message}</p> : null}
      {api && api.errors.length > 0 ? (
        <ul className="alert-fields">
          {api.errors.map((field) => (
            <li key={`${field.field}:${field.rule}`}>
              <code>{field.field}</code>: {field.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export function Notice({ kind = 'info', children }: { kind?: 'info' | 'success' | 'warning'; children: ReactNode }) {
  return (
    <div className={`alert alert-${kind}`} role={kind === 'warning' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

export function Loading() {
  const { t } = useTranslation();
  return (
    <p className="muted" role="status" aria-live="polite">
      {t('state.loading')}
    </p>
  );
}

export function Empty({ children }: { children?: ReactNode }) {
  const { t } = useTranslation();
  return <p className="muted">{children ?? t('state.empty')}</p>;
}

interface FieldFrame {
  label: string;
  /** The API's field name: its error (from an ApiError) is shown beneath the control. */
  name: string;
  error?: unknown;
  hint?: string;
}

function fieldError(error: unknown, name: string): string | undefined {
  return error instanceof ApiError ? error.fieldMessage(name) : undefined;
}

function Frame({ id, label, name, error, hint, required, children }: FieldFrame & { id: string; required?: boolean; children: ReactNode }) {
  const { t } = useTranslation();
  const message = fieldError(error, name);
  return (
    <div className={`field${message ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>
        {label}
        {required ? <span className="required"> ({t('state.required')})</span> : null}
      </label>
      {children}
      {hint ? (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {message ? (
        <p className="field-error" id={`${id}-error`}>
          {message}
        </p>
      ) : null}
    </div>
  );
}

function describedBy(id: string, error: unknown, name: string, hint?: string): string | undefined {
  return [hint ? `${id}-hint` : '', fieldError(error, name) ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
}

export function TextField({ label, name, error, hint, ...input }: FieldFrame & Omit<InputHTMLAttributes<HTMLInputElement>, 'name'>) {
  const id = useId();
  return (
    <Frame id={id} label={label} name={name} error={error} hint={hint} required={input.required}>
      <input id={id} name={name} aria-invalid={fieldError(error, name) ? true : undefined} aria-describedby={describedBy(id, error, name, hint)} {...input} />
    </Frame>
  );
}

export function TextArea({ label, name, error, hint, ...input }: FieldFrame & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'name'>) {
  const id = useId();
  return (
    <Frame id={id} label={label} name={name} error={error} hint={hint} required={input.required}>
      <textarea id={id} name={name} rows={4} aria-invalid={fieldError(error, name) ? true : undefined} aria-describedby={describedBy(id, error, name, hint)} {...input} />
    </Frame>
  );
}

export interface Option {
  value: string;
  label: string;
}

export function SelectField({ label, name, error, hint, options, placeholder, ...select }: FieldFrame & { options: readonly Option[]; placeholder?: string } & Omit<SelectHTMLAttributes<HTMLSelectElement>, 'name'>) {
  const id = useId();
  return (
    <Frame id={id} label={label} name={name} error={error} hint={hint} required={select.required}>
      <select id={id} name={name} aria-invalid={fieldError(error, name) ? true : undefined} aria-describedby={describedBy(id, error, name, hint)} {...select}>
        {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </Frame>
  );
}

export function LanguageSwitch() {
  const { t } = useTranslation();
  const current = currentLanguage();
  return (
    <div className="language-switch" role="group" aria-label={t('language.label')}>
      {LANGUAGES.map((language) => (
        <button key={language} type="button" className="link-button" lang={language} aria-pressed={current === language} onClick={() => setLanguage(language)}>
          {t(`language.${language}`)}
        </button>
      ))}
    </div>
  );
}

/** Labels of codes in the reader's language, and dates and numbers in their calendar. */
export function useFormat() {
  const { t } = useTranslation();
  // useTranslation re-renders on a language change; the language itself is read in one place.
  const language: Language = currentLanguage();
  return {
    language,
    t,
    date: (value: string | undefined | null) => formatDate(value, language),
    dateTime: (value: string | undefined | null) => formatDateTime(value, language),
    fiscalYear: (year: number) => formatFiscalYear(year, language),
    number: (value: number | undefined | null, digits = 0) => formatNumber(value, language, digits),
    province: (code: string | undefined | null) => {
      if (!code) return '';
      const province = PROVINCES.find((p) => p.iso === code || p.code === code);
      return province ? (language === 'th' ? province.nameTh : province.nameEn) : code;
    },
    category: (code: string | undefined | null) => {
      if (!code) return '';
      const entry = (COMPLAINT_CATEGORIES as Record<string, { th: string; en: string }>)[code];
      return entry ? entry[language] : code;
    },
    /** A code of a `common` group (role, phase, agencyType, channel, priority, disposition). */
    code: (group: string, code: string | undefined | null) => (code ? t(`${group}.${code}`, { defaultValue: code }) : ''),
  };
}

/** Province options (ISO codes, as the API takes them), sorted by name in the reader's language. */
export function provinceOptions(language: Language): Option[] {
  return PROVINCES.map((p) => ({ value: p.iso, label: language === 'th' ? p.nameTh : p.nameEn })).sort((a, b) => a.label.localeCompare(b.label, language));
}

export function categoryOptions(language: Language): Option[] {
  return Object.entries(COMPLAINT_CATEGORIES).map(([value, labels]) => ({ value, label: labels[language] }));
}
