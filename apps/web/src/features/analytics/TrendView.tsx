import { useState } from 'react';
import { ErrorMessage, Loading, Notice, Page, SelectField } from '../../shared/ui.js';
import { isSuppressed, useCatalogue, type TrendResult } from './api.js';
import { AnalyticsNav, FilterBar, useDashboardFilters } from './filters.js';
import { useLabels } from './labels.js';
import { infoOf } from './Overview.js';
import { TrendCard } from './TrendCard.js';

const BY_FY = ['fiscalYear'] as const;
const YOY_BASES = ['cases-opened', 'tips-received', 'cases-closed'] as const;

/**
 * "Is the trend declining?": complaints per 100 agencies with its 3-FY moving average and least-squares slope,
 * the year-on-year change, and the reach of the prevention work alongside.
 */
export function TrendView() {
  const L = useLabels();
  const [filters, setFilters] = useDashboardFilters();
  const catalogue = useCatalogue();
  const [base, setBase] = useState<string>('cases-opened');
  const info = (metric: string) => infoOf(catalogue.data, metric);
  return (
    <Page title={L.t('trend.title')}>
      <AnalyticsNav />
      <p>{L.t('trend.intro')}</p>
      <FilterBar key={JSON.stringify(filters)} filters={filters} onApply={setFilters} />
      {catalogue.isPending ? <Loading /> : null}
      {catalogue.isError ? <ErrorMessage error={catalogue.error} /> : null}
      {catalogue.data ? (
        <>
          <TrendCard
            id="per-100"
            title={L.t('trend.per100')}
            spec={{ metric: 'complaints-per-100-agencies', groupBy: BY_FY }}
            kind="line"
            details={['movingAverage3']}
            tableDetails
            filters={filters}
            info={info('complaints-per-100-agencies')}
            extra={(result) => <SlopeVerdict result={result} />}
          />
          <section className="card" aria-labelledby="yoy-base-heading">
            <h2 id="yoy-base-heading">{L.t('trend.yoy')}</h2>
            <SelectField
              label={L.t('trend.yoyBase')}
              name="base"
              value={base}
              onChange={(event) => setBase(event.target.value)}
              options={YOY_BASES.map((value) => ({ value, label: L.metric(value) }))}
            />
            <TrendCard id="yoy" level="h3" title={L.t('trend.yoyOf', { base: L.metric(base) })} spec={{ metric: 'yoy-change', groupBy: BY_FY, base }} kind="bar" tableDetails filters={filters} info={info('yoy-change')} />
          </section>
          <section aria-labelledby="reach-heading">
            <h2 id="reach-heading">{L.t('trend.reach')}</h2>
            <p className="muted">{L.t('trend.reachIntro')}</p>
            <div className="chart-grid">
              <TrendCard id="consultations" level="h3" title={L.metric('consultations')} spec={{ metric: 'consultations', groupBy: BY_FY }} kind="bar" filters={filters} info={info('consultations')} />
              <TrendCard id="visits" level="h3" title={L.metric('visits')} spec={{ metric: 'visits', groupBy: BY_FY }} kind="bar" filters={filters} info={info('visits')} />
              <TrendCard id="outreach" level="h3" title={L.metric('outreach-attendance')} spec={{ metric: 'outreach-attendance', groupBy: BY_FY }} kind="bar" filters={filters} info={info('outreach-attendance')} />
              <TrendCard id="pre-post" level="h3" title={L.metric('pre-post-change')} spec={{ metric: 'pre-post-change', groupBy: BY_FY }} kind="line" tableDetails filters={filters} info={info('pre-post-change')} />
            </div>
          </section>
          <section className="card" aria-labelledby="ita-heading">
            <h2 id="ita-heading">{L.t('trend.ita')}</h2>
            <Notice kind="warning">{L.t('trend.itaMissing')}</Notice>
          </section>
        </>
      ) : null}
    </Page>
  );
}

/** The slope over the requested years says whether complaints per 100 agencies are going down, in words. */
function SlopeVerdict({ result }: { result: TrendResult }) {
  const L = useLabels();
  const slope = result.rows.map((row) => row.details?.slope).find((value) => value !== undefined);
  const averages = result.rows.map((row) => row.details?.movingAverage3).filter((value): value is number => typeof value === 'number');
  const verdict = typeof slope !== 'number' ? 'unknown' : slope < 0 ? 'declining' : slope > 0 ? 'rising' : 'flat';
  return (
    <div>
      <dl className="facts card">
        <dt>{L.t('trend.slope')}</dt>
        <dd>
          {isSuppressed(slope) ? (
            <span className="suppressed">{L.t('suppressed')}</span>
          ) : typeof slope === 'number' ? (
            L.t('trend.slopeValue', { slope: `${slope > 0 ? '+' : slope < 0 ? '−' : ''}${L.number(Math.abs(slope), 4)}` })
          ) : (
            L.t('trend.slopeNone')
          )}
        </dd>
        <dt>{L.t('trend.verdict')}</dt>
        <dd>
          <strong className={`badge ${verdict === 'declining' ? 'badge-ok' : verdict === 'rising' ? 'badge-danger' : ''}`}>{L.t(`trend.verdicts.${verdict}`)}</strong>
        </dd>
        {averages.length >= 2 ? (
          <>
            <dt>{L.t('trend.maChange')}</dt>
            <dd>{L.t('trend.maValues', { first: L.value(result.unit, averages[0]), last: L.value(result.unit, averages[averages.length - 1]) })}</dd>
          </>
        ) : null}
      </dl>
      {result.denominatorSource === 'placeholder_default' ? <Notice kind="warning">{L.t('trend.placeholder')}</Notice> : null}
    </div>
  );
}
