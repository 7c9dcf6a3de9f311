import { useMemo, useState, type ReactNode } from 'react';
import { apiFile, saveBlob } from '../../shared/api.js';
import { ErrorMessage, Loading } from '../../shared/ui.js';
import { isSuppressed, splitFilters, trendQuery, useTrend, type DashboardFilters, type MetricInfo, type TrendResult, type TrendSpec } from './api.js';
import { useLabels } from './labels.js';
import { pivot, type Pivot } from './pivot.js';
import { TrendChart, type ChartKind, type ChartSeries } from './TrendChart.js';

interface CardProps {
  id: string;
  title: string;
  spec: TrendSpec;
  kind: ChartKind;
  filters: DashboardFilters;
  info: MetricInfo | undefined;
  /** Details plotted as extra (dashed) series, e.g. movingAverage3. */
  details?: readonly string[];
  sortByValue?: boolean;
  /** Show n and the details in the table. */
  tableDetails?: boolean;
  /** Extra content under the chart, from the result (a slope verdict …). */
  extra?: (result: TrendResult) => ReactNode;
  level?: 'h2' | 'h3';
}

/** One metric: a chart, the same numbers as a table (suppressed cells say so), and the CSV of the same request. */
export function TrendCard({ id, title, spec, kind, filters, info, details, sortByValue, tableDetails, extra, level = 'h2' }: CardProps) {
  const L = useLabels();
  const trend = useTrend(spec, filters, info);
  const { ignored } = splitFilters(filters, info);
  const Heading = level;
  return (
    <section className="card trend-card" aria-labelledby={`${id}-title`}>
      <Heading id={`${id}-title`}>{title}</Heading>
      <p className="small muted">{L.t(`help.${spec.metric}`, { defaultValue: '' }) || info?.definition}</p>
      {ignored.length > 0 ? <p className="small alert alert-info">{L.t('ignoredFilters', { filters: ignored.map(L.dimension).join(', ') })}</p> : null}
      {trend.isPending && info ? <Loading /> : null}
      {trend.isError ? <ErrorMessage error={trend.error} /> : null}
      {trend.data ? <TrendBody id={id} title={title} result={trend.data} kind={kind} details={details} sortByValue={sortByValue} tableDetails={tableDetails} /> : null}
      {trend.data && extra ? extra(trend.data) : null}
      {info ? <CsvButton spec={spec} filters={filters} info={info} title={title} /> : null}
    </section>
  );
}

function TrendBody({ id, title, result, kind, details, sortByValue, tableDetails }: { id: string; title: string; result: TrendResult; kind: ChartKind; details?: readonly string[]; sortByValue?: boolean; tableDetails?: boolean }) {
  const L = useLabels();
  const pivoted = useMemo(() => pivot(result, { ...(details ? { details } : {}), ...(sortByValue ? { sortByValue } : {}) }), [result, details, sortByValue]);
  const labels = useMemo(() => pivoted.labels.map((label) => (pivoted.primary ? L.key(pivoted.primary, label) : L.t('total'))), [pivoted, L]);
  const series = useMemo<ChartSeries[]>(
    () =>
      pivoted.series.map((s) => ({
        label: s.field !== 'value' ? L.detail(s.field) : pivoted.secondary ? L.key(pivoted.secondary, s.id ?? null) : L.metric(result.metric),
        values: s.values,
        suppressed: s.suppressed,
        secondary: s.field !== 'value',
      })),
    [pivoted, L, result.metric],
  );
  const unit = result.unit;
  const format = useMemo(() => (value: number) => L.value(unit, value), [L, unit]);
  const suppressedCount = pivoted.series.reduce((sum, s) => sum + s.suppressed.filter(Boolean).length, 0);
  const range = result.from !== null && result.to !== null ? L.t('range', { from: result.from, to: result.to }) : result.asOf ? L.t('asOf', { date: L.date(result.asOf) }) : '';
  if (result.rows.length === 0) return <p className="muted">{L.t('noData')}</p>;
  return (
    <>
      <p className="small">
        {range}
        {range ? ' · ' : ''}
        {L.t('unitLabel', { unit: L.unit(unit) })}
      </p>
      <TrendChart
        kind={kind}
        labels={labels}
        series={series}
        format={format}
        suppressedLabel={L.t('suppressed')}
        valueTitle={L.unit(unit)}
        ariaLabel={L.t('chartLabel', { kind: L.t(`chartKind.${kind}`), title, range })}
      />
      {suppressedCount > 0 ? (
        <p className="small">
          <span className="hatch-swatch" aria-hidden="true" /> {L.t(kind === 'stacked' ? 'suppressedLegendStacked' : 'suppressedLegend', { count: suppressedCount, threshold: result.suppressionThreshold })}
        </p>
      ) : null}
      <TrendTable id={id} title={title} result={result} pivoted={pivoted} labels={labels} tableDetails={tableDetails} />
    </>
  );
}

function TrendTable({ id, title, result, pivoted, labels, tableDetails }: { id: string; title: string; result: TrendResult; pivoted: Pivot; labels: string[]; tableDetails?: boolean }) {
  const L = useLabels();
  const cell = (value: number | null | undefined, suppressed: boolean, unit = result.unit) =>
    suppressed ? (
      <td className="num">
        <span className="suppressed">{L.t('suppressed')}</span>
      </td>
    ) : (
      <td className="num">{value === null || value === undefined ? L.t('common:state.none') : L.value(unit, value)}</td>
    );
  const single = !pivoted.secondary;
  const valueSeries = pivoted.series.filter((s) => s.field === 'value');
  const showN = single && tableDetails && result.rows.some((row) => row.n !== undefined);
  const detailKeys = single && tableDetails ? [...new Set(result.rows.flatMap((row) => Object.keys(row.details ?? {})))] : [];
  const rowFor = (index: number) => (single ? result.rows.find((row) => (pivoted.primary ? row.key[pivoted.primary] ?? null : '') === pivoted.labels[index]) : undefined);
  const detailUnit = (key: string) => (key === 'movingAverage3' || key === 'slope' ? result.unit : key === 'p90' || key === 'mean' || key === 'medianAgeDays' ? 'days' : 'count');

  return (
    // Scrolls when long: focusable so a keyboard can scroll it, named for screen readers.
    <div className="table-wrap" id={`${id}-table`} tabIndex={0} role="region" aria-label={L.t('tableCaption', { title })}>
      <table>
        <caption className="sr-only">{L.t('tableCaption', { title })}</caption>
        <thead>
          <tr>
            <th scope="col">{pivoted.primary ? L.dimension(pivoted.primary) : L.t('total')}</th>
            {single ? (
              <th scope="col" className="num">
                {L.metric(result.metric)}
              </th>
            ) : (
              valueSeries.map((s) => (
                <th scope="col" className="num" key={String(s.id)}>
                  {L.key(pivoted.secondary!, s.id ?? null)}
                </th>
              ))
            )}
            {showN ? (
              <th scope="col" className="num">
                {L.detail('n')}
              </th>
            ) : null}
            {detailKeys.map((key) => (
              <th scope="col" className="num" key={key}>
                {L.detail(key)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {labels.map((label, index) => {
            const row = rowFor(index);
            return (
              <tr key={`${label}-${index}`}>
                <th scope="row">{label}</th>
                {valueSeries.map((s) => (
                  <FragmentCell key={String(s.id)}>{cell(s.values[index], s.suppressed[index] ?? false)}</FragmentCell>
                ))}
                {showN ? <td className="num">{row?.n === undefined ? L.t('common:state.none') : L.number(row.n)}</td> : null}
                {detailKeys.map((key) => {
                  const value = row?.details?.[key];
                  return <FragmentCell key={key}>{cell(isSuppressed(value) ? null : value, isSuppressed(value), detailUnit(key))}</FragmentCell>;
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function FragmentCell({ children }: { children: ReactNode }) {
  return <>{children}</>;
}

/** The same request as CSV (`?format=csv`), saved as the server names it. */
export function CsvButton({ spec, filters, info, title }: { spec: TrendSpec; filters: DashboardFilters; info: MetricInfo; title: string }) {
  const L = useLabels();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const download = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const { blob, filename } = await apiFile(`/trends/${encodeURIComponent(spec.metric)}${trendQuery(spec, filters, info, { format: 'csv' })}`);
      saveBlob(blob, filename ?? `trend-${spec.metric}.csv`);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div>
      {error ? <ErrorMessage error={error} /> : null}
      <button type="button" className="secondary" onClick={() => void download()} disabled={busy}>
        {busy ? L.t('downloading') : L.t('csv')}
        <span className="sr-only">: {title}</span>
      </button>
    </div>
  );
}
