import { useState, type FormEvent } from 'react';
import { NavLink, useSearchParams } from 'react-router';
import { AGENCY_TYPES, CASE_ORIGINS, CONSULTATION_CHANNELS, DISPOSITIONS, REGIONS, TIP_CHANNELS } from '#domain';
import { ApiError } from '../../shared/api.js';
import { currentFiscalYearBE } from '../../shared/format.js';
import { ErrorMessage, SelectField, categoryOptions, provinceOptions, type Option } from '../../shared/ui.js';
import { FILTER_DIMENSIONS, type DashboardFilters } from './api.js';
import { useLabels } from './labels.js';

const NAMES = ['from', 'to', ...FILTER_DIMENSIONS] as const;
const FIRST_FY = 2560;

/** The dashboard's filters live in the URL (fiscal years and codes only), so a view can be bookmarked and shared. */
export function useDashboardFilters(): [DashboardFilters, (next: DashboardFilters) => void] {
  const [search, setSearch] = useSearchParams();
  const filters: DashboardFilters = {};
  for (const name of NAMES) {
    const value = search.get(name);
    if (value) filters[name] = value;
  }
  const set = (next: DashboardFilters) => {
    const params = new URLSearchParams();
    for (const name of NAMES) if (next[name]) params.set(name, next[name]!);
    setSearch(params);
  };
  return [filters, set];
}

export function fiscalYearOptions(language: 'th' | 'en'): Option[] {
  const last = currentFiscalYearBE();
  const years: Option[] = [];
  for (let year = last; year >= FIRST_FY; year -= 1) years.push({ value: String(year), label: language === 'th' ? `ปีงบประมาณ ${year}` : `FY ${year}` });
  return years;
}

/** Fiscal-year range pickers (B.E.) and one picker per dimension the trend API filters by. */
export function FilterBar({ filters, onApply }: { filters: DashboardFilters; onApply: (next: DashboardFilters) => void }) {
  const L = useLabels();
  const [draft, setDraft] = useState<DashboardFilters>(filters);
  const [error, setError] = useState<ApiError | undefined>();
  const set = (name: keyof DashboardFilters) => (event: { target: { value: string } }) => setDraft((current) => ({ ...current, [name]: event.target.value }));
  const codes = (values: readonly string[], dimension: string): Option[] => values.map((value) => ({ value, label: L.key(dimension, value) }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (draft.from && draft.to && Number(draft.from) > Number(draft.to)) {
      const message = L.t('filters.rangeError');
      setError(new ApiError(400, 'REQUEST.INVALID', message, [{ field: 'to', rule: 'notBefore', message }]));
      return;
    }
    setError(undefined);
    onApply(draft);
  };
  const clear = () => {
    setDraft({});
    setError(undefined);
    onApply({});
  };

  const years = fiscalYearOptions(L.language);
  const all = L.t('filters.all');
  return (
    <form className="card" onSubmit={submit} noValidate aria-labelledby="analytics-filters">
      <h2 id="analytics-filters">{L.t('filters.title')}</h2>
      {error ? <ErrorMessage error={error} /> : null}
      <div className="grid analytics-filters">
        <SelectField label={L.t('filters.from')} name="from" value={draft.from ?? ''} onChange={set('from')} placeholder={L.t('filters.auto')} options={years} error={error} />
        <SelectField label={L.t('filters.to')} name="to" value={draft.to ?? ''} onChange={set('to')} placeholder={L.t('filters.auto')} options={years} error={error} />
        <SelectField label={L.dimension('province')} name="province" value={draft.province ?? ''} onChange={set('province')} placeholder={all} options={provinceOptions(L.language)} />
        <SelectField label={L.dimension('region')} name="region" value={draft.region ?? ''} onChange={set('region')} placeholder={all} options={codes(REGIONS, 'region')} />
        <SelectField label={L.dimension('agencyType')} name="agencyType" value={draft.agencyType ?? ''} onChange={set('agencyType')} placeholder={all} options={codes(AGENCY_TYPES, 'agencyType')} />
        <SelectField label={L.dimension('category')} name="category" value={draft.category ?? ''} onChange={set('category')} placeholder={all} options={categoryOptions(L.language)} />
        <SelectField
          label={L.dimension('channel')}
          name="channel"
          value={draft.channel ?? ''}
          onChange={set('channel')}
          placeholder={all}
          options={codes([...new Set<string>([...TIP_CHANNELS, ...CONSULTATION_CHANNELS])], 'channel')}
        />
        <SelectField label={L.dimension('origin')} name="origin" value={draft.origin ?? ''} onChange={set('origin')} placeholder={all} options={codes(CASE_ORIGINS, 'origin')} />
        <SelectField label={L.dimension('disposition')} name="disposition" value={draft.disposition ?? ''} onChange={set('disposition')} placeholder={all} options={codes(DISPOSITIONS, 'disposition')} />
      </div>
      <p className="small muted">{L.t('filters.hint')}</p>
      <div className="row">
        <button type="submit">{L.t('filters.apply')}</button>
        <button type="button" className="secondary" onClick={clear}>
          {L.t('filters.clear')}
        </button>
      </div>
    </form>
  );
}

/** The analytics screens (absolute links; the filters travel along in the query string). */
export function AnalyticsNav() {
  const L = useLabels();
  const [search] = useSearchParams();
  const suffix = search.toString() ? `?${search.toString()}` : '';
  const links = [
    { to: '/analytics', label: L.t('nav.overview'), end: true },
    { to: '/analytics/trend', label: L.t('nav.trend'), end: false },
    { to: '/analytics/explore', label: L.t('nav.explore'), end: false },
  ];
  return (
    <nav className="subnav" aria-label={L.t('nav.label')}>
      <ul>
        {links.map((link) => (
          <li key={link.to}>
            <NavLink to={`${link.to}${suffix}`} end={link.end}>
              {link.label}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
