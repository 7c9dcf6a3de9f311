import { ErrorMessage, Loading, Page } from '../../shared/ui.js';
import { useCatalogue, useTrend, type DashboardFilters, type MetricInfo, type TrendCatalogue, type TrendSpec } from './api.js';
import { AnalyticsNav, FilterBar, useDashboardFilters } from './filters.js';
import { useLabels } from './labels.js';
import { TrendCard } from './TrendCard.js';

export const infoOf = (catalogue: TrendCatalogue | undefined, metric: string): MetricInfo | undefined => catalogue?.metrics.find((m) => m.metric === metric);

const BY_FY = ['fiscalYear'] as const;

/** The analyst's overview: KPIs of the latest fiscal year, and the main trends as charts with their tables. */
export function Overview() {
  const L = useLabels();
  const [filters, setFilters] = useDashboardFilters();
  const catalogue = useCatalogue();
  const info = (metric: string) => infoOf(catalogue.data, metric);
  return (
    <Page title={L.t('overview.title')}>
      <AnalyticsNav />
      <FilterBar key={JSON.stringify(filters)} filters={filters} onApply={setFilters} />
      {catalogue.isPending ? <Loading /> : null}
      {catalogue.isError ? <ErrorMessage error={catalogue.error} /> : null}
      {catalogue.data ? (
        <>
          <section aria-labelledby="kpi-heading">
            <h2 id="kpi-heading">{L.t('kpi.title')}</h2>
            <div className="kpi-grid">
              <Kpi spec={{ metric: 'tips-received', groupBy: BY_FY }} filters={filters} info={info('tips-received')} />
              <Kpi spec={{ metric: 'cases-opened', groupBy: BY_FY }} filters={filters} info={info('cases-opened')} />
              <Kpi spec={{ metric: 'cases-closed', groupBy: BY_FY }} filters={filters} info={info('cases-closed')} />
              <Kpi spec={{ metric: 'backlog', noRange: true }} filters={filters} info={info('backlog')} />
              <Kpi spec={{ metric: 'time-to-close', groupBy: BY_FY }} filters={filters} info={info('time-to-close')} />
              <Kpi spec={{ metric: 'substantiation-rate', groupBy: BY_FY }} filters={filters} info={info('substantiation-rate')} />
            </div>
          </section>
          <div className="chart-grid">
            <TrendCard id="tips-by-fy" title={L.t('overview.tipsByYear')} spec={{ metric: 'tips-received', groupBy: BY_FY }} kind="bar" filters={filters} info={info('tips-received')} />
            <TrendCard id="cases-by-fy" title={L.t('overview.casesByYear')} spec={{ metric: 'cases-opened', groupBy: BY_FY }} kind="bar" filters={filters} info={info('cases-opened')} />
            <TrendCard
              id="time-to-close"
              title={L.t('overview.timeToClose')}
              spec={{ metric: 'time-to-close', groupBy: BY_FY }}
              kind="line"
              details={['p90']}
              tableDetails
              filters={filters}
              info={info('time-to-close')}
            />
            <TrendCard id="substantiation" title={L.t('overview.substantiation')} spec={{ metric: 'substantiation-rate', groupBy: BY_FY }} kind="line" tableDetails filters={filters} info={info('substantiation-rate')} />
          </div>
          <TrendCard id="cases-by-category" title={L.t('overview.byCategory')} spec={{ metric: 'cases-opened', groupBy: ['fiscalYear', 'category'] }} kind="stacked" filters={filters} info={info('cases-opened')} />
          <TrendCard id="cases-by-province" title={L.t('overview.byProvince')} spec={{ metric: 'cases-opened', groupBy: ['province'] }} kind="horizontal" sortByValue filters={filters} info={info('cases-opened')} />
        </>
      ) : null}
    </Page>
  );
}

/** One KPI: the latest fiscal year's value (or the snapshot), with the change from the year before. */
function Kpi({ spec, filters, info }: { spec: TrendSpec; filters: DashboardFilters; info: MetricInfo | undefined }) {
  const L = useLabels();
  const trend = useTrend(spec, filters, info);
  const title = L.metric(spec.metric);
  const rows = trend.data?.rows ?? [];
  const last = rows[rows.length - 1];
  const previous = rows[rows.length - 2];
  const unit = trend.data?.unit ?? info?.unit ?? 'count';
  let change: string | undefined;
  if (spec.groupBy && last && previous && !last.suppressed && !previous.suppressed && typeof last.value === 'number' && typeof previous.value === 'number') {
    const delta = last.value - previous.value;
    const sign = delta > 0 ? '+' : delta < 0 ? '−' : '±';
    change = L.t('kpi.change', { change: `${sign}${unit === 'fraction' ? `${L.number(Math.abs(delta) * 100, 1)} ${L.t('kpi.points')}` : L.value(unit, Math.abs(delta))}`, year: L.key('fiscalYear', previous.key.fiscalYear ?? null) });
  }
  return (
    <div className="card kpi">
      <h3>{title}</h3>
      {trend.isPending && info ? <Loading /> : null}
      {trend.isError ? <ErrorMessage error={trend.error} /> : null}
      {trend.data && !last ? <p className="muted">{L.t('noData')}</p> : null}
      {last ? (
        <>
          <p className="kpi-value">{last.suppressed ? <span className="suppressed">{L.t('suppressed')}</span> : L.value(unit, last.value)}</p>
          <p className="small muted">
            {spec.groupBy ? L.key('fiscalYear', last.key.fiscalYear ?? null) : L.t('asOf', { date: L.date(trend.data?.asOf ?? '') })}
            {unit !== 'fraction' ? ` · ${L.unit(unit)}` : ''}
          </p>
          {change ? <p className="small">{change}</p> : null}
        </>
      ) : null}
    </div>
  );
}
