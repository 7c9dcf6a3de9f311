import { useQuery } from '@tanstack/react-query';
import { api, query } from '../../shared/api.js';

/** GET /trends and GET /trends/{metric} (libs/http/src/dto/trends.dto.ts, docs/trends.md). */

export interface MetricInfo {
  metric: string;
  unit: string;
  definition: string;
  groupBy: string[];
  filters: string[];
}

export interface TrendCatalogue {
  metrics: MetricInfo[];
  suppressionThreshold: number;
}

export interface Suppressed {
  suppressed: true;
}

export type KeyValue = string | number | null;

export interface TrendRow {
  key: Record<string, KeyValue>;
  value?: number | null;
  suppressed?: true;
  n?: number;
  details?: Record<string, number | null | Suppressed>;
}

export interface TrendResult {
  metric: string;
  groupBy: string[];
  from: number | null;
  to: number | null;
  asOf?: string;
  base?: string;
  filters: Record<string, string[]>;
  unit: string;
  definition: string;
  rows: TrendRow[];
  suppressionThreshold: number;
  denominator?: string;
  denominatorSource?: string;
  denominatorNote?: string;
  generatedAt: string;
}

export const TIME_DIMENSIONS = ['fiscalYear', 'fiscalQuarter', 'month'] as const;
export const FILTER_DIMENSIONS = ['province', 'region', 'agencyType', 'category', 'channel', 'origin', 'disposition'] as const;
export type FilterDimension = (typeof FILTER_DIMENSIONS)[number];

/** The dashboard's shared choices: a fiscal-year range (B.E.) and one code per filter dimension. */
export type DashboardFilters = Partial<Record<'from' | 'to' | FilterDimension, string>>;

/** A trend request: the metric, its grouping, and the metric's own parameters (base, asOf). */
export interface TrendSpec {
  metric: string;
  groupBy?: readonly string[];
  base?: string;
  asOf?: string;
  /** Leave the fiscal-year range out (a backlog snapshot). */
  noRange?: boolean;
}

export function isSuppressed(value: unknown): value is Suppressed {
  return typeof value === 'object' && value !== null && (value as { suppressed?: unknown }).suppressed === true;
}

/** The filters a metric accepts, and those chosen that it ignores (shown to the reader, never silently dropped). */
export function splitFilters(filters: DashboardFilters, info: MetricInfo | undefined): { applied: Partial<Record<FilterDimension, string>>; ignored: FilterDimension[] } {
  const applied: Partial<Record<FilterDimension, string>> = {};
  const ignored: FilterDimension[] = [];
  for (const dimension of FILTER_DIMENSIONS) {
    const value = filters[dimension];
    if (!value) continue;
    if (!info || info.filters.includes(dimension)) applied[dimension] = value;
    else ignored.push(dimension);
  }
  return { applied, ignored };
}

/** The query string of a trend request (filters are comma-separated codes, as the API takes them). */
export function trendQuery(spec: TrendSpec, filters: DashboardFilters, info: MetricInfo | undefined, extra: Record<string, string> = {}): string {
  const { applied } = splitFilters(filters, info);
  return query({
    groupBy: spec.groupBy && spec.groupBy.length > 0 ? spec.groupBy.join(',') : undefined,
    from: spec.noRange ? undefined : filters.from,
    to: spec.noRange ? undefined : filters.to,
    base: spec.base,
    asOf: spec.asOf,
    ...applied,
    ...extra,
  });
}

export function useCatalogue() {
  return useQuery({ queryKey: ['analytics', 'catalogue'], queryFn: () => api<TrendCatalogue>('/trends'), staleTime: 10 * 60_000 });
}

export function useTrend(spec: TrendSpec, filters: DashboardFilters, info: MetricInfo | undefined, enabled = true) {
  const path = `/trends/${encodeURIComponent(spec.metric)}${trendQuery(spec, filters, info)}`;
  return useQuery({ queryKey: ['analytics', 'trend', path], queryFn: () => api<TrendResult>(path), enabled: enabled && info !== undefined, staleTime: 60_000 });
}
