import { isSuppressed, type KeyValue, type TrendResult } from './api.js';

export interface Series {
  /** The code of the second dimension (null = not classified); undefined for a single series. */
  id: KeyValue | undefined;
  /** Which value it carries: the cell's value, or one of its details (p90, movingAverage3 …). */
  field: string;
  values: (number | null)[];
  suppressed: boolean[];
}

export interface Pivot {
  /** The dimension along the axis (the first grouping); '' for a single snapshot. */
  primary: string;
  /** The dimension split into series, if any (the second grouping, or `severity`). */
  secondary?: string;
  labels: KeyValue[];
  series: Series[];
}

const keyOf = (value: KeyValue | undefined): string => (value === undefined ? '∅' : JSON.stringify(value));

/**
 * Turns the API's rows into an axis and series. A suppressed cell stays suppressed (null value, flagged),
 * never 0. `details` adds series from the rows' details (single series only), e.g. the 3-FY moving average.
 */
export function pivot(result: TrendResult, options: { details?: readonly string[]; sortByValue?: boolean } = {}): Pivot {
  const primary = result.groupBy[0] ?? '';
  const keys = new Set<string>();
  for (const row of result.rows) for (const name of Object.keys(row.key)) keys.add(name);
  const secondary = [...keys].find((name) => name !== primary);

  const labels: KeyValue[] = [];
  const labelIndex = new Map<string, number>();
  const seriesIds: (KeyValue | undefined)[] = [];
  const seriesIndex = new Map<string, number>();
  for (const row of result.rows) {
    const label = primary ? (row.key[primary] ?? null) : '';
    if (!labelIndex.has(keyOf(label))) {
      labelIndex.set(keyOf(label), labels.length);
      labels.push(label);
    }
    const id = secondary ? (row.key[secondary] ?? null) : undefined;
    if (!seriesIndex.has(keyOf(id))) {
      seriesIndex.set(keyOf(id), seriesIds.length);
      seriesIds.push(id);
    }
  }

  const series: Series[] = seriesIds.map((id) => ({ id, field: 'value', values: labels.map(() => null), suppressed: labels.map(() => false) }));
  const detailSeries: Series[] = secondary ? [] : (options.details ?? []).map((field) => ({ id: undefined, field, values: labels.map(() => null), suppressed: labels.map(() => false) }));
  for (const row of result.rows) {
    const at = labelIndex.get(keyOf(primary ? (row.key[primary] ?? null) : ''))!;
    const target = series[seriesIndex.get(keyOf(secondary ? (row.key[secondary] ?? null) : undefined))!]!;
    if (row.suppressed) target.suppressed[at] = true;
    else target.values[at] = row.value ?? null;
    for (const detail of detailSeries) {
      const value = row.details?.[detail.field];
      if (isSuppressed(value)) detail.suppressed[at] = true;
      else if (typeof value === 'number') detail.values[at] = value;
    }
  }

  const pivoted: Pivot = { primary, ...(secondary ? { secondary } : {}), labels, series: [...series, ...detailSeries] };
  if (options.sortByValue && !secondary) return sortedByValue(pivoted);
  return pivoted;
}

/** Largest first, suppressed cells last (their order says nothing about their size). */
function sortedByValue(pivoted: Pivot): Pivot {
  const main = pivoted.series[0];
  if (!main) return pivoted;
  const order = pivoted.labels.map((_, index) => index).sort((a, b) => {
    const va = main.suppressed[a] ? -1 : (main.values[a] ?? -0.5);
    const vb = main.suppressed[b] ? -1 : (main.values[b] ?? -0.5);
    return vb - va;
  });
  return {
    ...pivoted,
    labels: order.map((index) => pivoted.labels[index]!),
    series: pivoted.series.map((s) => ({ ...s, values: order.map((index) => s.values[index]!), suppressed: order.map((index) => s.suppressed[index]!) })),
  };
}
