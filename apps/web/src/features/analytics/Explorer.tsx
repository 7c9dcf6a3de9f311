import { useState } from 'react';
import { ErrorMessage, Loading, Page, SelectField, TextField } from '../../shared/ui.js';
import { TIME_DIMENSIONS, useCatalogue, type TrendSpec } from './api.js';
import { AnalyticsNav, FilterBar, useDashboardFilters } from './filters.js';
import { useLabels } from './labels.js';
import { TrendCard } from './TrendCard.js';
import type { ChartKind } from './TrendChart.js';

const KINDS: ChartKind[] = ['bar', 'line', 'stacked', 'horizontal'];
const YOY_BASES = ['cases-opened', 'tips-received', 'cases-closed'] as const;
const isTime = (dimension: string) => (TIME_DIMENSIONS as readonly string[]).includes(dimension);

/** Any metric of the catalogue, grouped by the dimensions it offers (at most two, one of them time), as any chart. */
export function Explorer() {
  const L = useLabels();
  const [filters, setFilters] = useDashboardFilters();
  const catalogue = useCatalogue();
  const [metric, setMetric] = useState('cases-opened');
  const [first, setFirst] = useState('fiscalYear');
  const [second, setSecond] = useState('');
  const [kind, setKind] = useState<ChartKind>('bar');
  const [base, setBase] = useState('cases-opened');
  const [asOf, setAsOf] = useState('');

  const info = catalogue.data?.metrics.find((m) => m.metric === metric);
  const dimensions = info?.groupBy ?? [];
  const firstValid = first === '' ? '' : dimensions.includes(first) ? first : (dimensions[0] ?? '');
  const secondOptions = dimensions.filter((d) => d !== firstValid && !(isTime(d) && isTime(firstValid)));
  const secondValid = secondOptions.includes(second) ? second : '';
  const groupBy = [firstValid, secondValid].filter(Boolean);
  const hasAsOf = metric === 'backlog' || metric === 'recommendation-implementation-rate';
  const spec: TrendSpec = {
    metric,
    groupBy,
    ...(metric === 'yoy-change' ? { base } : {}),
    ...(hasAsOf && /^\d{4}-\d{2}-\d{2}$/.test(asOf) ? { asOf } : {}),
  };

  return (
    <Page title={L.t('explore.title')}>
      <AnalyticsNav />
      <FilterBar key={JSON.stringify(filters)} filters={filters} onApply={setFilters} />
      {catalogue.isPending ? <Loading /> : null}
      {catalogue.isError ? <ErrorMessage error={catalogue.error} /> : null}
      {catalogue.data ? (
        <>
          <section className="card" aria-labelledby="explore-choice">
            <h2 id="explore-choice">{L.t('explore.choose')}</h2>
            <div className="grid">
              <SelectField label={L.t('explore.metric')} name="metric" value={metric} onChange={(event) => setMetric(event.target.value)} options={catalogue.data.metrics.map((m) => ({ value: m.metric, label: L.metric(m.metric) }))} />
              <SelectField
                label={L.t('explore.groupBy')}
                name="groupBy"
                value={firstValid}
                onChange={(event) => setFirst(event.target.value)}
                placeholder={metric === 'backlog' ? L.t('explore.snapshot') : undefined}
                options={dimensions.map((d) => ({ value: d, label: L.dimension(d) }))}
              />
              <SelectField
                label={L.t('explore.splitBy')}
                name="splitBy"
                value={secondValid}
                onChange={(event) => setSecond(event.target.value)}
                placeholder={L.t('explore.noSplit')}
                options={secondOptions.map((d) => ({ value: d, label: L.dimension(d) }))}
                disabled={!firstValid}
              />
              <SelectField label={L.t('explore.chart')} name="chart" value={kind} onChange={(event) => setKind(KINDS.find((k) => k === event.target.value) ?? 'bar')} options={KINDS.map((k) => ({ value: k, label: L.t(`chartKind.${k}`) }))} />
              {metric === 'yoy-change' ? (
                <SelectField label={L.t('trend.yoyBase')} name="base" value={base} onChange={(event) => setBase(event.target.value)} options={YOY_BASES.map((value) => ({ value, label: L.metric(value) }))} />
              ) : null}
              {hasAsOf ? <TextField label={L.t('explore.asOf')} name="asOf" type="date" value={asOf} onChange={(event) => setAsOf(event.target.value)} hint={L.t('explore.asOfHint')} /> : null}
            </div>
          </section>
          <TrendCard
            id="explore"
            title={groupBy.length > 0 ? L.t('explore.resultTitle', { metric: L.metric(metric), by: groupBy.map(L.dimension).join(' × ') }) : L.metric(metric)}
            spec={{ ...spec, ...(metric === 'backlog' && groupBy.length === 0 ? { noRange: true } : {}) }}
            kind={kind}
            tableDetails
            filters={filters}
            info={info}
          />
        </>
      ) : null}
    </Page>
  );
}
