import {
  AGENCY_TYPES,
  CASE_ORIGINS,
  COMPLAINT_CATEGORIES,
  CONSULTATION_CHANNELS,
  DISPOSITIONS,
  PROVINCES,
  REGIONS,
  SEVERITIES,
  TIP_CHANNELS,
  isLocalDate,
  isOneOf,
  isProvinceCode,
  type AgencyType,
} from '#domain';
import type { Filter, ReadModelStore } from '../read-model-store.port.js';
import { defaultAgencyCounts, type AgencyCounts } from './agency-counts.js';
import { CASE_FACTS } from './case-facts.projection.js';
import { DAY_MS } from './facts-support.js';
import {
  comparePeriods,
  endOfBangkokDate,
  firstPeriodOfFY,
  fiscalYearOfPeriod,
  lastPeriodOfFY,
  periodBounds,
  periodOf,
  periodsBetween,
  type PeriodKey,
  type TimeDimension,
} from './periods.js';
import { PROGRAMME_FACTS, SEVERITY_FIELDS } from './programme-facts.projection.js';
import { TIP_FACTS } from './tip-facts.projection.js';

/**
 * Analyst trends (DOMAIN.md §4.2, §4.3, §5.7, §6): aggregates over the fact read models by coded dimensions
 * only. No free text, no personal data, no case rows: every answer is a table of cells keyed by codes and
 * periods, and every cell whose underlying count is under SUPPRESSION_THRESHOLD comes back as
 * `{ suppressed: true }` — never as 0 or a value. "Underlying count" is, per metric: the count itself (tips,
 * cases, visits, consultations, findings, attendance), the denominator of a rate (merit closures, closures,
 * first closures, recommendations due), the number of durations a median/p90 is taken over, the smaller of
 * the two years of a year-on-year change, the respondents of a pre/post change. A cell with no data at all
 * is suppressed too (a missing combination of the requested periods and codes is filled in, marked).
 *
 * Everything is read from the projections (ReadModelStore.group for counts, sums and rates). Medians and
 * p90 need the values: the cell's durations are fetched with ReadModelStore.find on the indexed filter
 * (a number per case/tip — fine at an office's scale of thousands a year; a histogram projection would
 * replace it at national scale). Backlog as of a date reads the open intervals of the cases opened before
 * it the same way.
 *
 * Percentiles: linear interpolation between closest ranks (R type 7, Excel PERCENTILE.INC): for sorted
 * x₁…xₙ and p, h = (n−1)p, value = x⌊h⌋ + (h−⌊h⌋)(x⌊h⌋₊₁ − x⌊h⌋); the median is p = 0.5.
 * Values are rounded to 4 decimals. Rates are fractions (0–1). Durations are calendar days.
 */
export const SUPPRESSION_THRESHOLD = 5;

export const DIMENSIONS = ['fiscalYear', 'fiscalQuarter', 'month', 'province', 'region', 'agencyType', 'category', 'channel', 'origin', 'disposition'] as const;
export type Dimension = (typeof DIMENSIONS)[number];
export const TIME_DIMENSIONS: readonly TimeDimension[] = ['fiscalYear', 'fiscalQuarter', 'month'];
export const FILTER_DIMENSIONS = ['province', 'region', 'agencyType', 'category', 'channel', 'origin', 'disposition'] as const;
export type FilterDimension = (typeof FILTER_DIMENSIONS)[number];

export const METRICS = [
  'tips-received',
  'cases-opened',
  'cases-closed',
  'backlog',
  'time-to-acknowledge',
  'time-to-close',
  'substantiation-rate',
  'referral-rate',
  'reopen-rate',
  'yoy-change',
  'complaints-per-100-agencies',
  'consultations',
  'visits',
  'findings-by-severity',
  'recommendation-implementation-rate',
  'outreach-attendance',
  'pre-post-change',
] as const;
export type MetricName = (typeof METRICS)[number];
export const YOY_BASES = ['tips-received', 'cases-opened', 'cases-closed'] as const satisfies readonly MetricName[];
export type YoyBase = (typeof YOY_BASES)[number];

export const AGE_BUCKETS = ['age_0_30', 'age_31_90', 'age_91_180', 'age_181_365', 'age_over_365'] as const;

type Model = 'case_facts' | 'tip_facts' | 'programme_facts';
type Anchor = 'opened' | 'firstClosed' | 'lastClosed' | 'received' | 'period';
type Computation =
  | { type: 'count' }
  | { type: 'sum'; field: string }
  | { type: 'rate'; numerator: string }
  | { type: 'duration'; field: string }
  | { type: 'backlog' }
  | { type: 'yoy' }
  | { type: 'per100' }
  | { type: 'findings' }
  | { type: 'prepost' };

interface MetricSpec {
  model: Model;
  anchor: Anchor;
  /** Dimensions the metric can be grouped by. */
  groupBy: readonly Dimension[];
  /** Dimensions the metric can be filtered by. */
  filters: readonly FilterDimension[];
  computation: Computation;
  filter: Filter;
  unit: string;
  definition: string;
}

const TIME: readonly Dimension[] = TIME_DIMENSIONS;
const CASE_CODES: readonly FilterDimension[] = ['province', 'region', 'agencyType', 'category', 'channel', 'origin', 'disposition'];
const TIP_CODES: readonly FilterDimension[] = ['province', 'region', 'agencyType', 'category', 'channel'];
const BACKLOG_CODES: readonly FilterDimension[] = ['province', 'region', 'agencyType', 'category', 'channel', 'origin'];
const PROGRAMME_CODES: readonly FilterDimension[] = ['province', 'region'];
const CONSULTATION_CODES: readonly FilterDimension[] = ['province', 'region', 'channel'];
const CASES: Filter = { kind: 'case', merged: 0 };
const FIRST_CLOSED: Filter = { ...CASES, firstClosedAt: { ne: null } };

const spec = (s: Omit<MetricSpec, 'groupBy' | 'filters'> & { codes: readonly FilterDimension[]; time?: readonly Dimension[] }): MetricSpec => {
  const { codes, time = TIME, ...rest } = s;
  return { ...rest, groupBy: [...time, ...codes], filters: codes };
};

const SPECS: Record<MetricName, MetricSpec> = {
  'tips-received': spec({ model: 'tip_facts', anchor: 'received', codes: TIP_CODES, computation: { type: 'count' }, filter: {}, unit: 'tips', definition: 'Tips received (TipReceived), by the Bangkok date of receipt; province, agency type and category are the reporter’s coded guesses.' }),
  'cases-opened': spec({ model: 'case_facts', anchor: 'opened', codes: CASE_CODES, computation: { type: 'count' }, filter: CASES, unit: 'cases', definition: 'Cases opened (CaseOpened), by the Bangkok date opened; merged-away cases are counted once, as their survivor. Disposition = latest closure.' }),
  'cases-closed': spec({ model: 'case_facts', anchor: 'firstClosed', codes: CASE_CODES, computation: { type: 'count' }, filter: FIRST_CLOSED, unit: 'cases', definition: 'Cases closed for the first time, by the Bangkok date of the first CaseClosed. Disposition = latest closure.' }),
  backlog: spec({ model: 'case_facts', anchor: 'opened', codes: BACKLOG_CODES, computation: { type: 'backlog' }, filter: CASES, unit: 'cases', definition: 'Cases open at the end of each period (or at the end of asOf, default now): opened before it and not closed at it, reopenings included. Age = days since first opened, bucketed 0–30, 31–90, 91–180, 181–365, >365.' }),
  'time-to-acknowledge': spec({ model: 'tip_facts', anchor: 'received', codes: TIP_CODES, computation: { type: 'duration', field: 'daysToAck' }, filter: { acknowledged: 1 }, unit: 'days', definition: 'Days from receipt to the first acknowledgement, over acknowledged tips, by receipt period: value = median, details = p90 and mean (web tips are acknowledged on screen: 0).' }),
  'time-to-close': spec({ model: 'case_facts', anchor: 'firstClosed', codes: CASE_CODES, computation: { type: 'duration', field: 'daysToClose' }, filter: FIRST_CLOSED, unit: 'days', definition: 'Days from opening to the first closure, by the period of the first closure: value = median, details = p90 and mean.' }),
  'substantiation-rate': spec({ model: 'case_facts', anchor: 'lastClosed', codes: CASE_CODES, computation: { type: 'rate', numerator: 'isSubstantiated' }, filter: { ...CASES, isClosed: 1, isMerit: 1 }, unit: 'fraction', definition: 'Closed cases whose latest disposition is substantiated_* ÷ closed cases with a merit disposition (unsubstantiated or substantiated_*), by the period of the latest closure; n = merit closures.' }),
  'referral-rate': spec({ model: 'case_facts', anchor: 'lastClosed', codes: CASE_CODES, computation: { type: 'rate', numerator: 'isReferral' }, filter: { ...CASES, isClosed: 1 }, unit: 'fraction', definition: 'Closed cases whose latest disposition is referred_nacc, referred_agency or referred_police ÷ closed cases, by the period of the latest closure; n = closures.' }),
  'reopen-rate': spec({ model: 'case_facts', anchor: 'firstClosed', codes: CASE_CODES, computation: { type: 'rate', numerator: 'reopenedWithin365' }, filter: FIRST_CLOSED, unit: 'fraction', definition: 'Cases reopened (reason other than correction) within 365 days of their first closure ÷ cases first closed, by the period of the first closure; n = first closures.' }),
  'yoy-change': spec({ model: 'case_facts', anchor: 'opened', codes: CASE_CODES, time: ['fiscalYear'], computation: { type: 'yoy' }, filter: CASES, unit: 'fraction', definition: 'Year-on-year change of the base count (base=cases-opened by default, tips-received or cases-closed): (FY − previous FY) ÷ previous FY; details = both counts.' }),
  'complaints-per-100-agencies': {
    model: 'case_facts',
    anchor: 'opened',
    groupBy: ['fiscalYear', 'province', 'region', 'agencyType'],
    filters: CASE_CODES.filter((d) => d !== 'disposition'),
    computation: { type: 'per100' },
    filter: { ...CASES, province: { ne: null } },
    unit: 'per_100_agencies',
    definition:
      'Cases opened (with a classified province) per 100 agencies of the group, per fiscal year; details: complaints, agencies (configured reference data — see denominatorSource), movingAverage3 (mean of this and the two previous FYs’ rates), slope (least-squares change per FY over the requested FYs, ≥3 needed).',
  },
  consultations: spec({ model: 'programme_facts', anchor: 'period', codes: CONSULTATION_CODES, computation: { type: 'count' }, filter: { kind: 'consultation', held: 1 }, unit: 'consultations', definition: 'Clinic consultations held (ConsultationHeld), by the Bangkok date held; channel = consultation channel.' }),
  visits: spec({ model: 'programme_facts', anchor: 'period', codes: PROGRAMME_CODES, computation: { type: 'count' }, filter: { kind: 'visit', conducted: 1 }, unit: 'visits', definition: 'Proactive surveillance visits conducted (VisitConducted), by the Bangkok date conducted.' }),
  'findings-by-severity': spec({ model: 'programme_facts', anchor: 'period', codes: PROGRAMME_CODES, computation: { type: 'findings' }, filter: { kind: 'visit', conducted: 1 }, unit: 'findings', definition: 'Findings noted on conducted visits, by severity (low, medium, high, critical; an extra key) and the period the visit was conducted.' }),
  'recommendation-implementation-rate': spec({ model: 'programme_facts', anchor: 'period', codes: PROGRAMME_CODES, computation: { type: 'rate', numerator: 'implemented' }, filter: { kind: 'recommendation' }, unit: 'fraction', definition: 'Recommendations verified_implemented ÷ recommendations due (dueAt before the end of asOf, default now), by the period of the due date; n = recommendations due.' }),
  'outreach-attendance': spec({ model: 'programme_facts', anchor: 'period', codes: PROGRAMME_CODES, computation: { type: 'sum', field: 'attendance' }, filter: { kind: 'activity', held: 1 }, unit: 'participants', definition: 'Participants counted at outreach activities held (workshops, training, PR, network meetings), by the Bangkok date held.' }),
  'pre-post-change': spec({ model: 'programme_facts', anchor: 'period', codes: PROGRAMME_CODES, computation: { type: 'prepost' }, filter: { kind: 'activity', held: 1, hasPrePost: 1 }, unit: 'percentage_points', definition: 'Pooled post-test mean − pooled pre-test mean, each as % of the maximum score and weighted by respondents, over activities with both tests; n = respondents (the smaller of pre and post).' }),
};

const MODELS = { case_facts: CASE_FACTS, tip_facts: TIP_FACTS, programme_facts: PROGRAMME_FACTS } as const;

/* ------------------------------------------------------------------ query ------------------------------------------------------------------ */

/** A rejected query: names the parameter, the rule and why (the HTTP layer answers 400 with it). */
export class TrendQueryError extends Error {
  constructor(
    readonly field: string,
    readonly rule: string,
    message: string,
  ) {
    super(message);
    this.name = 'TrendQueryError';
  }
}

export type RawTrendQuery = Partial<Record<'groupBy' | 'from' | 'to' | 'asOf' | 'base' | FilterDimension, string>>;

export interface TrendQuery {
  metric: MetricName;
  groupBy: Dimension[];
  from?: number;
  to?: number;
  asOf?: string;
  base?: YoyBase;
  filters: Partial<Record<FilterDimension, string[]>>;
}

const CATEGORY_CODES = Object.keys(COMPLAINT_CATEGORIES);
const MIN_FY = 2400;
const MAX_FY = 2700;
const MAX_FY_SPAN = 30;

function codeList(metric: MetricName, dimension: FilterDimension): readonly string[] | ((v: string) => boolean) {
  switch (dimension) {
    case 'province':
      return isProvinceCode;
    case 'region':
      return REGIONS;
    case 'agencyType':
      return AGENCY_TYPES;
    case 'category':
      return CATEGORY_CODES;
    case 'channel':
      return metric === 'consultations' ? CONSULTATION_CHANNELS : TIP_CHANNELS;
    case 'origin':
      return CASE_ORIGINS;
    case 'disposition':
      return DISPOSITIONS;
  }
}

function fiscalYearParam(raw: string, field: string): number {
  if (!/^\d{4}$/.test(raw) || Number(raw) < MIN_FY || Number(raw) > MAX_FY) throw new TrendQueryError(field, 'fiscalYearBE', `${field} must be a fiscal year in the Buddhist Era, such as 2566`);
  return Number(raw);
}

export function isMetric(value: unknown): value is MetricName {
  return isOneOf(METRICS, value);
}

/** The dimensions of a metric (for yoy-change: those of its base). */
function specFor(metric: MetricName, base?: YoyBase): MetricSpec {
  if (metric !== 'yoy-change') return SPECS[metric];
  const b = SPECS[base ?? 'cases-opened'];
  return { ...b, groupBy: ['fiscalYear', ...b.filters], computation: { type: 'yoy' }, unit: SPECS['yoy-change'].unit, definition: SPECS['yoy-change'].definition };
}

/** Validates every parameter against the metric and the code lists; throws TrendQueryError naming the first bad one. */
export function parseTrendQuery(metric: string, raw: RawTrendQuery): TrendQuery {
  if (!isMetric(metric)) throw new TrendQueryError('metric', 'isIn', `metric must be one of: ${METRICS.join(', ')}`);
  let base: YoyBase | undefined;
  if (raw.base !== undefined) {
    if (metric !== 'yoy-change') throw new TrendQueryError('base', 'notForMetric', 'base applies to yoy-change only');
    if (!isOneOf(YOY_BASES, raw.base)) throw new TrendQueryError('base', 'isIn', `base must be one of: ${YOY_BASES.join(', ')}`);
    base = raw.base;
  }
  const s = specFor(metric, base);

  // Default: by fiscal year; backlog: the single snapshot at asOf (no dimension).
  const groupBy = raw.groupBy === undefined ? (metric === 'backlog' ? [] : ['fiscalYear']) : raw.groupBy.split(',').map((d) => d.trim());
  if ((raw.groupBy !== undefined && groupBy.length < 1) || groupBy.length > 2 || groupBy.some((d) => d === '')) throw new TrendQueryError('groupBy', 'oneOrTwo', 'groupBy takes one or two dimensions, comma-separated');
  for (const d of groupBy) {
    if (!isOneOf(DIMENSIONS, d)) throw new TrendQueryError('groupBy', 'isIn', `groupBy dimensions are: ${DIMENSIONS.join(', ')}`);
    if (!s.groupBy.includes(d)) throw new TrendQueryError('groupBy', 'notForMetric', `${metric} can be grouped by: ${s.groupBy.join(', ')}`);
  }
  if (new Set(groupBy).size !== groupBy.length) throw new TrendQueryError('groupBy', 'distinct', 'groupBy names a dimension twice');
  if (groupBy.filter((d) => isOneOf(TIME_DIMENSIONS, d)).length > 1) throw new TrendQueryError('groupBy', 'oneTimeDimension', 'groupBy takes at most one of fiscalYear, fiscalQuarter, month');
  if ((metric === 'yoy-change' || metric === 'complaints-per-100-agencies') && !groupBy.includes('fiscalYear')) {
    throw new TrendQueryError('groupBy', 'fiscalYearRequired', `${metric} is a series over fiscal years: groupBy must include fiscalYear`);
  }

  const from = raw.from === undefined ? undefined : fiscalYearParam(raw.from, 'from');
  const to = raw.to === undefined ? undefined : fiscalYearParam(raw.to, 'to');
  if (from !== undefined && to !== undefined) {
    if (from > to) throw new TrendQueryError('to', 'notBeforeFrom', 'to must not be before from');
    if (to - from >= MAX_FY_SPAN) throw new TrendQueryError('to', 'maxSpan', `at most ${MAX_FY_SPAN} fiscal years per query`);
  }
  if (metric === 'backlog' && (from !== undefined || to !== undefined) && !groupBy.some((d) => isOneOf(TIME_DIMENSIONS, d))) {
    throw new TrendQueryError(from !== undefined ? 'from' : 'to', 'needsTimeDimension', 'backlog without a time dimension is a single snapshot at asOf: from/to apply only when grouping by fiscalYear, fiscalQuarter or month');
  }

  let asOf: string | undefined;
  if (raw.asOf !== undefined) {
    if (metric !== 'backlog' && metric !== 'recommendation-implementation-rate') throw new TrendQueryError('asOf', 'notForMetric', 'asOf applies to backlog and recommendation-implementation-rate only');
    if (!isLocalDate(raw.asOf)) throw new TrendQueryError('asOf', 'localDate', 'asOf must be a Bangkok calendar date YYYY-MM-DD (Common Era)');
    asOf = raw.asOf;
  }

  const filters: Partial<Record<FilterDimension, string[]>> = {};
  for (const dimension of FILTER_DIMENSIONS) {
    const value = raw[dimension];
    if (value === undefined) continue;
    if (!s.filters.includes(dimension)) throw new TrendQueryError(dimension, 'notForMetric', `${metric} can be filtered by: ${s.filters.join(', ') || 'nothing'}`);
    const values = [...new Set(value.split(',').map((v) => v.trim()))];
    const list = codeList(metric, dimension);
    const ok = (v: string) => (typeof list === 'function' ? list(v) : list.includes(v));
    if (values.length === 0 || values.length > 100 || values.some((v) => !ok(v))) {
      throw new TrendQueryError(dimension, 'isIn', typeof list === 'function' ? `${dimension} takes ISO 3166-2:TH province codes such as TH-49, comma-separated` : `${dimension} takes codes from: ${list.join(', ')} (comma-separated)`);
    }
    filters[dimension] = values;
  }
  return { metric, groupBy: groupBy as Dimension[], ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}), ...(asOf ? { asOf } : {}), ...(base ? { base } : {}), filters };
}

/* ------------------------------------------------------------------ results ------------------------------------------------------------------ */

export type KeyValue = string | number | null;
export type Key = Record<string, KeyValue>;
export interface Suppressed {
  suppressed: true;
}
export type DetailValue = number | null | Suppressed;

/** One cell: `value` (and `n`, `details`) when its underlying count is ≥ 5, otherwise `suppressed: true` alone. */
export interface TrendRow {
  key: Key;
  value?: number | null;
  suppressed?: true;
  n?: number;
  details?: Record<string, DetailValue>;
}

export interface TrendResult {
  metric: MetricName;
  groupBy: Dimension[];
  /** Fiscal years (B.E.) the rows cover, when the query or the data bound them. */
  from: number | null;
  to: number | null;
  /** The instant snapshots/due dates were taken at (backlog, recommendation-implementation-rate). */
  asOf?: string;
  base?: YoyBase;
  filters: Partial<Record<FilterDimension, string[]>>;
  unit: string;
  definition: string;
  rows: TrendRow[];
  suppressionThreshold: number;
  /** complaints-per-100-agencies: the denominator is configured reference data, not observed. */
  denominator?: 'configured';
  denominatorSource?: AgencyCounts['source'];
  denominatorNote?: string;
  generatedAt: string;
}

export interface MetricInfo {
  metric: MetricName;
  unit: string;
  definition: string;
  groupBy: Dimension[];
  filters: FilterDimension[];
}

/* ------------------------------------------------------------------ service ------------------------------------------------------------------ */

interface Cell {
  key: Key;
  /** The count that decides suppression. */
  n: number;
  value: number | null;
  showN?: boolean;
  details?: Record<string, DetailValue>;
}

interface Group {
  key: Key;
  count: number;
  sums: Record<string, number>;
}

const SUPPRESSED: Suppressed = { suppressed: true };
const round = (x: number) => Math.round(x * 10_000) / 10_000;
const roundOrNull = (x: number | null) => (x === null || !Number.isFinite(x) ? null : round(x));
const keyString = (key: Key, names: readonly string[]) => JSON.stringify(names.map((n) => key[n] ?? null));
const isTime = (d: string): d is TimeDimension => isOneOf(TIME_DIMENSIONS, d);

export function quantile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export function leastSquaresSlope(points: readonly { x: number; y: number }[]): number {
  const n = points.length;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  const sxx = points.reduce((a, p) => a + (p.x - mx) ** 2, 0);
  const sxy = points.reduce((a, p) => a + (p.x - mx) * (p.y - my), 0);
  return sxx === 0 ? 0 : sxy / sxx;
}

function ageBucket(days: number): (typeof AGE_BUCKETS)[number] {
  return days <= 30 ? 'age_0_30' : days <= 90 ? 'age_31_90' : days <= 180 ? 'age_91_180' : days <= 365 ? 'age_181_365' : 'age_over_365';
}

export interface TrendsOptions {
  /** Agencies per province (and type): the denominator of complaints per 100 agencies. Default: the placeholder. */
  agencyCounts?: AgencyCounts;
  now?: () => Date;
}

export class TrendsService {
  private readonly agencyCounts: AgencyCounts;
  private readonly now: () => Date;

  constructor(
    private readonly store: ReadModelStore,
    /** The active table of a read model (ProjectionManager.table). */
    private readonly tableOf: (name: string) => Promise<string>,
    options: TrendsOptions = {},
  ) {
    this.agencyCounts = options.agencyCounts ?? defaultAgencyCounts();
    this.now = options.now ?? (() => new Date());
  }

  catalogue(): MetricInfo[] {
    return METRICS.map((metric) => {
      const s = SPECS[metric];
      return { metric, unit: s.unit, definition: s.definition, groupBy: [...s.groupBy], filters: [...s.filters] };
    });
  }

  async run(query: TrendQuery): Promise<TrendResult> {
    const now = this.now();
    const s = specFor(query.metric, query.base);
    const table = await this.tableOf(MODELS[s.model].name);
    const cap = query.asOf ? minInstant(endOfBangkokDate(query.asOf), now.toISOString()) : now.toISOString();
    const run = new Run(this.store, table, s, query, now.toISOString(), cap);
    let cells: Cell[];
    let extra: Partial<TrendResult> = {};
    switch (s.computation.type) {
      case 'backlog':
        cells = await run.backlog();
        extra = { asOf: cap };
        break;
      case 'yoy':
        cells = await run.yoy();
        extra = { base: query.base ?? 'cases-opened' };
        break;
      case 'per100':
        cells = await run.per100(this.agencyCounts);
        extra = {
          denominator: 'configured',
          denominatorSource: this.agencyCounts.source,
          denominatorNote:
            this.agencyCounts.source === 'placeholder_default'
              ? 'PLACEHOLDER: no agency counts are configured (CASETRAIL_AGENCY_COUNTS_FILE); every province counts as 100 agencies, so only the shape of the trend is meaningful'
              : 'agency counts per province (and type) from the deployment’s configuration file',
        };
        break;
      default:
        if (s.computation.type === 'rate' && query.metric === 'recommendation-implementation-rate') extra = { asOf: cap };
        cells = await run.simple();
    }
    return {
      metric: query.metric,
      groupBy: query.groupBy,
      from: run.from ?? null,
      to: run.to ?? null,
      ...(extra.asOf ? { asOf: extra.asOf } : {}),
      ...(extra.base ? { base: extra.base } : {}),
      filters: query.filters,
      unit: s.unit,
      definition: s.definition,
      rows: cells.map(toRow),
      suppressionThreshold: SUPPRESSION_THRESHOLD,
      ...(extra.denominator ? { denominator: extra.denominator, denominatorSource: extra.denominatorSource!, denominatorNote: extra.denominatorNote! } : {}),
      generatedAt: now.toISOString(),
    };
  }
}

function minInstant(a: string, b: string): string {
  return Date.parse(a) <= Date.parse(b) ? a : b;
}

function toRow(cell: Cell): TrendRow {
  if (cell.n < SUPPRESSION_THRESHOLD) return { key: cell.key, suppressed: true };
  return {
    key: cell.key,
    value: roundOrNull(cell.value),
    ...(cell.showN ? { n: cell.n } : {}),
    ...(cell.details ? { details: Object.fromEntries(Object.entries(cell.details).map(([k, v]) => [k, typeof v === 'number' ? round(v) : v])) } : {}),
  };
}

/** One query's evaluation. */
class Run {
  from: number | undefined;
  to: number | undefined;
  private readonly timeDim: TimeDimension | undefined;

  constructor(
    private readonly store: ReadModelStore,
    private readonly table: string,
    private readonly spec: MetricSpec,
    private readonly query: TrendQuery,
    private readonly nowIso: string,
    private readonly cap: string,
  ) {
    this.from = query.from;
    this.to = query.to;
    this.timeDim = query.groupBy.find(isTime);
  }

  /** The fact field behind a dimension for this metric's time anchor. */
  private field(dimension: Dimension): string {
    if (dimension === 'fiscalYear') return `${this.spec.anchor}FY`;
    if (dimension === 'fiscalQuarter') return `${this.spec.anchor}FQ`;
    if (dimension === 'month') return `${this.spec.anchor}Month`;
    return dimension;
  }

  /** Metric filter + code filters + the fiscal-year range on the anchor (widened by `extraYearsBefore`). */
  private filter(extraYearsBefore = 0, withRange = true): Filter {
    const f: Record<string, Filter[string]> = { ...this.spec.filter };
    for (const [dimension, values] of Object.entries(this.query.filters)) f[dimension] = values.length === 1 ? values[0]! : { in: values };
    if (withRange && (this.from !== undefined || this.to !== undefined)) {
      f[`${this.spec.anchor}FY`] = { ...(this.from !== undefined ? { gte: this.from - extraYearsBefore } : {}), ...(this.to !== undefined ? { lte: this.to } : {}) };
    }
    if (this.query.metric === 'recommendation-implementation-rate') f.dueAt = { lte: this.cap };
    return f;
  }

  private async groups(dimensions: readonly Dimension[], sums: readonly string[], extraYearsBefore = 0): Promise<Group[]> {
    const rows = await this.store.group(this.table, { filter: this.filter(extraYearsBefore), groupBy: dimensions.map((d) => this.field(d)), sum: sums });
    return rows.map((r) => ({ key: Object.fromEntries(dimensions.map((d) => [d, r.key[this.field(d)] as KeyValue])), count: r.count, sums: r.sums }));
  }

  /** Periods of the time dimension to report: the requested fiscal years, else the span observed; never after now. */
  private periods(observed: readonly KeyValue[]): PeriodKey[] {
    const dim = this.timeDim!;
    const seen = observed.filter((v): v is PeriodKey => v !== null).sort(comparePeriods);
    const current = periodOf(dim, this.nowIso);
    const first = this.from !== undefined ? firstPeriodOfFY(dim, this.from) : seen[0];
    // With only `from`, the table runs to the last period with data, or to now when there is none.
    let last = this.to !== undefined ? lastPeriodOfFY(dim, this.to) : (seen[seen.length - 1] ?? (this.from !== undefined ? current : undefined));
    if (first === undefined || last === undefined) return [];
    if (comparePeriods(last, current) > 0) last = current;
    const periods = periodsBetween(dim, first, last);
    if (this.from === undefined && periods.length > 0) this.from = fiscalYearOfPeriod(dim, periods[0]!);
    if (this.to === undefined && periods.length > 0) this.to = fiscalYearOfPeriod(dim, periods[periods.length - 1]!);
    return periods;
  }

  /**
   * Every combination of the reported values of each key dimension: the periods for the time dimension, the
   * observed codes plus any filtered ones for a code dimension. Combinations with no data become empty cells
   * (suppressed), so a zero is never shown as 0 and never silently left out inside the table's span.
   */
  private fill(cells: Map<string, Cell>, names: readonly string[], domains: ReadonlyMap<string, readonly KeyValue[]>, empty: (key: Key) => Cell): Cell[] {
    let combos: Key[] = [{}];
    for (const name of names) {
      const values = domains.get(name) ?? [];
      combos = combos.flatMap((k) => values.map((v) => ({ ...k, [name]: v })));
    }
    for (const key of combos) {
      const ks = keyString(key, names);
      if (!cells.has(ks)) cells.set(ks, empty(key));
    }
    return [...cells.values()].sort((a, b) => compareKeys(a.key, b.key, names));
  }

  private domains(names: readonly string[], observed: readonly Key[]): Map<string, KeyValue[]> {
    const domains = new Map<string, KeyValue[]>();
    for (const name of names) {
      if (name === 'severity') domains.set(name, [...SEVERITIES]);
      else if (isTime(name)) domains.set(name, this.periods(observed.map((k) => k[name] ?? null)));
      else {
        const values = new Set<KeyValue>(observed.map((k) => k[name] ?? null));
        for (const v of this.query.filters[name as FilterDimension] ?? []) values.add(v);
        domains.set(name, [...values]);
      }
    }
    return domains;
  }

  /** Counts, sums, rates, durations, findings, pre/post: one cell per key from groups (or documents). */
  async simple(): Promise<Cell[]> {
    const c = this.spec.computation;
    const dims = this.query.groupBy;
    const cells = new Map<string, Cell>();
    let names: string[] = [...dims];
    if (c.type === 'duration') {
      const values = new Map<string, { key: Key; xs: number[] }>();
      const fields = [...new Set([...dims.map((d) => this.field(d)), c.field])];
      for (const doc of await this.store.select(this.table, { filter: { ...this.filter(), [c.field]: { ne: null } }, fields })) {
        const key: Key = Object.fromEntries(dims.map((d) => [d, (doc[this.field(d)] ?? null) as KeyValue]));
        const ks = keyString(key, dims);
        const entry = values.get(ks) ?? { key, xs: [] };
        entry.xs.push(doc[c.field] as number);
        values.set(ks, entry);
      }
      for (const [ks, { key, xs }] of values) {
        xs.sort((a, b) => a - b);
        cells.set(ks, { key, n: xs.length, value: quantile(xs, 0.5), showN: true, details: { p90: quantile(xs, 0.9), mean: xs.reduce((a, b) => a + b, 0) / xs.length } });
      }
    } else if (c.type === 'findings') {
      names = [...dims, 'severity'];
      for (const g of await this.groups(dims, Object.values(SEVERITY_FIELDS))) {
        for (const severity of SEVERITIES) {
          const key = { ...g.key, severity };
          const total = g.sums[SEVERITY_FIELDS[severity]] ?? 0;
          cells.set(keyString(key, names), { key, n: total, value: total });
        }
      }
    } else if (c.type === 'prepost') {
      for (const g of await this.groups(dims, ['preN', 'preSumPct', 'postN', 'postSumPct'])) {
        const [preN, postN] = [g.sums.preN ?? 0, g.sums.postN ?? 0];
        const pre = preN > 0 ? g.sums.preSumPct! / preN : null;
        const post = postN > 0 ? g.sums.postSumPct! / postN : null;
        cells.set(keyString(g.key, dims), { key: g.key, n: Math.min(preN, postN), value: pre !== null && post !== null ? post - pre : null, showN: true, details: { preMeanPct: pre, postMeanPct: post } });
      }
    } else {
      const sums = c.type === 'rate' ? [c.numerator] : c.type === 'sum' ? [c.field] : [];
      for (const g of await this.groups(dims, sums)) {
        const cell: Cell =
          c.type === 'rate'
            ? { key: g.key, n: g.count, value: g.count > 0 ? g.sums[c.numerator]! / g.count : null, showN: true }
            : c.type === 'sum'
              ? { key: g.key, n: g.sums[c.field]!, value: g.sums[c.field]! }
              : { key: g.key, n: g.count, value: g.count };
        cells.set(keyString(g.key, dims), cell);
      }
    }
    const observed = [...cells.values()].map((cell) => cell.key);
    return this.fill(cells, names, this.domains(names, observed), (key) => ({ key, n: 0, value: null }));
  }

  /** Open cases at the end of each period (time dimension) or at the end of asOf (default now). */
  async backlog(): Promise<Cell[]> {
    const dims = this.query.groupBy;
    const codeDims = dims.filter((d) => !isTime(d));
    // Snapshots: the end of each period (capped at asOf/now), or the single asOf snapshot.
    let snapshots: Array<{ period: PeriodKey | undefined; at: string }>;
    if (this.timeDim) {
      if (this.from === undefined) {
        const earliest = (await this.store.find(this.table, { filter: this.spec.filter, sort: { field: 'openedAt', direction: 'asc' }, limit: 1 })).items[0];
        this.from = earliest ? (earliest.openedFY as number) : periodOf('fiscalYear', this.cap) as number;
      }
      if (this.to === undefined) this.to = periodOf('fiscalYear', this.cap) as number;
      snapshots = periodsBetween(this.timeDim, firstPeriodOfFY(this.timeDim, this.from), lastPeriodOfFY(this.timeDim, this.to))
        .map((period) => ({ period, ...periodBounds(this.timeDim!, period) }))
        .filter((p) => p.start < this.cap)
        .map((p) => ({ period: p.period, at: minInstant(p.end, this.cap) }));
    } else {
      snapshots = [{ period: undefined, at: this.cap }];
    }
    const last = snapshots.reduce((max, s) => (s.at > max ? s.at : max), '');
    const fields = [...new Set(['intervals', 'openedAt', ...dims.filter((d) => !isTime(d))])];
    const docs = last ? await this.store.select(this.table, { filter: { ...this.filter(0, false), openedAt: { lt: last } }, fields }) : [];
    const acc = new Map<string, { key: Key; ages: number[] }>();
    for (const { period, at } of snapshots) {
      const t = Date.parse(at);
      for (const doc of docs) {
        const intervals = doc.intervals as Array<[string, string | null]>;
        const open = intervals.some(([from, to]) => Date.parse(from) < t && (to === null || Date.parse(to) >= t));
        if (!open) continue;
        const key: Key = Object.fromEntries(dims.map((d) => [d, isTime(d) ? period! : ((doc[d] ?? null) as KeyValue)]));
        const ks = keyString(key, dims);
        const entry = acc.get(ks) ?? { key, ages: [] };
        entry.ages.push((t - Date.parse(doc.openedAt as string)) / DAY_MS);
        acc.set(ks, entry);
      }
    }
    const cells = new Map<string, Cell>();
    for (const [ks, { key, ages }] of acc) {
      ages.sort((a, b) => a - b);
      const counts = Object.fromEntries(AGE_BUCKETS.map((b) => [b, 0])) as Record<(typeof AGE_BUCKETS)[number], number>;
      for (const age of ages) counts[ageBucket(age)]++;
      cells.set(ks, { key, n: ages.length, value: ages.length, details: { ...suppressBuckets(counts), medianAgeDays: quantile(ages, 0.5) } });
    }
    const domains = this.domains(codeDims, [...cells.values()].map((c) => c.key));
    if (this.timeDim) domains.set(this.timeDim, snapshots.map((s) => s.period!));
    return this.fill(cells, dims, domains, (key) => ({ key, n: 0, value: null }));
  }

  /** Year-on-year change of the base count per fiscal year (and code). */
  async yoy(): Promise<Cell[]> {
    const dims = this.query.groupBy;
    const codeDim = dims.find((d) => d !== 'fiscalYear');
    const groups = await this.groups(dims, [], 1);
    const counts = new Map(groups.map((g) => [keyString(g.key, dims), g.count]));
    const years = groups.map((g) => g.key.fiscalYear as number);
    if (this.from === undefined && years.length > 0) this.from = Math.min(...years) + 1;
    if (this.to === undefined && years.length > 0) this.to = Math.max(...years);
    const codes = codeDim ? this.domains([codeDim], groups.map((g) => g.key)).get(codeDim)! : [undefined];
    const cells: Cell[] = [];
    if (this.from === undefined || this.to === undefined) return cells;
    for (let fy = this.from; fy <= this.to; fy++) {
      for (const code of codes) {
        const key: Key = Object.fromEntries(dims.map((d) => [d, d === 'fiscalYear' ? fy : (code ?? null)]));
        const current = counts.get(keyString(key, dims)) ?? 0;
        const previous = counts.get(keyString({ ...key, fiscalYear: fy - 1 }, dims)) ?? 0;
        cells.push({ key, n: Math.min(current, previous), value: previous > 0 ? (current - previous) / previous : null, details: { current, previous } });
      }
    }
    return cells.sort((a, b) => compareKeys(a.key, b.key, dims));
  }

  /** Complaints (cases opened) per 100 agencies per fiscal year, with a 3-FY moving average and the series' slope. */
  async per100(agencies: AgencyCounts): Promise<Cell[]> {
    const dims = this.query.groupBy;
    const codeDim = dims.find((d) => d !== 'fiscalYear') as 'province' | 'region' | 'agencyType' | undefined;
    const needsTypes = codeDim === 'agencyType' || this.query.filters.agencyType !== undefined;
    const provinces = PROVINCES.map((p) => p.iso as string).filter(
      (iso) => (this.query.filters.province?.includes(iso) ?? true) && (this.query.filters.region?.includes(PROVINCES.find((p) => p.iso === iso)!.region) ?? true),
    );
    if (needsTypes && provinces.some((iso) => agencies.perProvince[iso]?.byType === undefined)) {
      throw new TrendQueryError(codeDim === 'agencyType' ? 'groupBy' : 'agencyType', 'denominatorNotConfigured', 'agency counts per agency type are not configured (CASETRAIL_AGENCY_COUNTS_FILE, byType per province): complaints per 100 agencies cannot be split by agency type');
    }
    const agencyTotal = (iso: string, types?: readonly string[]) => {
      const entry = agencies.perProvince[iso];
      if (!entry) return 0;
      if (!types) return entry.total;
      return types.reduce((sum, t) => sum + (entry.byType?.[t as AgencyType] ?? 0), 0);
    };
    const typeFilter = this.query.filters.agencyType;
    const denominator = (code: KeyValue | undefined): number => {
      if (codeDim === 'province') return provinces.includes(code as string) ? agencyTotal(code as string, typeFilter) : 0;
      if (codeDim === 'region') return provinces.filter((iso) => PROVINCES.find((p) => p.iso === iso)!.region === code).reduce((sum, iso) => sum + agencyTotal(iso, typeFilter), 0);
      if (codeDim === 'agencyType') return provinces.reduce((sum, iso) => sum + agencyTotal(iso, [code as string]), 0);
      return provinces.reduce((sum, iso) => sum + agencyTotal(iso, typeFilter), 0);
    };

    const groups = await this.groups(dims, [], 2);
    const counts = new Map(groups.map((g) => [keyString(g.key, dims), g.count]));
    const years = groups.map((g) => g.key.fiscalYear as number);
    if (this.from === undefined && years.length > 0) this.from = Math.min(...years);
    if (this.to === undefined && years.length > 0) this.to = Math.max(...years);
    if (this.from === undefined || this.to === undefined) return [];
    const codes: (KeyValue | undefined)[] = codeDim ? this.domains([codeDim], groups.map((g) => g.key)).get(codeDim)! : [undefined];
    const cells: Cell[] = [];
    for (const code of codes) {
      const agenciesInGroup = denominator(code);
      const keyOf = (fy: number): Key => Object.fromEntries(dims.map((d) => [d, d === 'fiscalYear' ? fy : (code ?? null)]));
      const count = (fy: number) => counts.get(keyString(keyOf(fy), dims)) ?? 0;
      const rate = (fy: number) => (agenciesInGroup > 0 ? (count(fy) / agenciesInGroup) * 100 : null);
      const shown = (fy: number) => count(fy) >= SUPPRESSION_THRESHOLD;
      const series: number[] = [];
      for (let fy = this.from; fy <= this.to; fy++) series.push(fy);
      let slope: DetailValue = null;
      if (series.length >= 3 && agenciesInGroup > 0) slope = series.every(shown) ? leastSquaresSlope(series.map((fy) => ({ x: fy, y: rate(fy)! }))) : SUPPRESSED;
      for (const fy of series) {
        const window = [fy - 2, fy - 1, fy];
        const movingAverage3: DetailValue = agenciesInGroup === 0 ? null : window.every(shown) ? window.reduce((sum, y) => sum + rate(y)!, 0) / 3 : SUPPRESSED;
        cells.push({ key: keyOf(fy), n: count(fy), value: rate(fy), details: { complaints: count(fy), agencies: agenciesInGroup, movingAverage3, slope } });
      }
    }
    return cells.sort((a, b) => compareKeys(a.key, b.key, dims));
  }
}

/**
 * Age buckets of a shown backlog cell: each under the threshold is suppressed; when exactly one is, the
 * smallest other bucket is suppressed too, so the hidden one cannot be had by subtracting from the total.
 */
export function suppressBuckets(counts: Record<string, number>): Record<string, DetailValue> {
  const hidden = new Set(Object.keys(counts).filter((b) => counts[b]! < SUPPRESSION_THRESHOLD));
  if (hidden.size === 1) {
    const smallest = Object.keys(counts)
      .filter((b) => !hidden.has(b))
      .sort((a, b) => counts[a]! - counts[b]!)[0];
    if (smallest) hidden.add(smallest);
  }
  return Object.fromEntries(Object.entries(counts).map(([b, n]) => [b, hidden.has(b) ? SUPPRESSED : n]));
}

function compareValues(a: KeyValue, b: KeyValue, name: string): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  if (name === 'severity') return SEVERITIES.indexOf(a as (typeof SEVERITIES)[number]) - SEVERITIES.indexOf(b as (typeof SEVERITIES)[number]);
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : 1;
}

function compareKeys(a: Key, b: Key, names: readonly string[]): number {
  for (const name of names) {
    const c = compareValues(a[name] ?? null, b[name] ?? null, name);
    if (c !== 0) return c;
  }
  return 0;
}

/* ------------------------------------------------------------------ CSV ------------------------------------------------------------------ */

function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object' && (value as Suppressed).suppressed) return 'suppressed';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The rows as RFC 4180 CSV (CRLF line ends): the key columns, `value`, `n` when the metric has one, then the
 * detail columns. A suppressed cell has the literal `suppressed` in every value column.
 */
export function trendToCsv(result: TrendResult): string {
  const keyColumns = [...result.groupBy, ...(result.metric === 'findings-by-severity' ? ['severity'] : [])];
  const hasN = result.rows.some((r) => r.n !== undefined) || ['rate', 'duration', 'prepost'].includes(specFor(result.metric, result.base).computation.type);
  const detailColumns: string[] = [];
  for (const row of result.rows) for (const k of Object.keys(row.details ?? {})) if (!detailColumns.includes(k)) detailColumns.push(k);
  if (detailColumns.length === 0) detailColumns.push(...DETAIL_COLUMNS[specFor(result.metric, result.base).computation.type]);
  const header = [...keyColumns, 'value', ...(hasN ? ['n'] : []), ...detailColumns];
  const lines = [header.join(',')];
  for (const row of result.rows) {
    const valueColumns = row.suppressed ? [SUPPRESSED, ...(hasN ? [SUPPRESSED] : []), ...detailColumns.map(() => SUPPRESSED)] : [row.value, ...(hasN ? [row.n] : []), ...detailColumns.map((c) => row.details?.[c])];
    lines.push([...keyColumns.map((k) => row.key[k]), ...valueColumns].map(csvField).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** Detail columns by computation, for a CSV whose every row is suppressed. */
const DETAIL_COLUMNS: Record<Computation['type'], readonly string[]> = {
  count: [],
  sum: [],
  rate: [],
  duration: ['p90', 'mean'],
  backlog: [...AGE_BUCKETS, 'medianAgeDays'],
  yoy: ['current', 'previous'],
  per100: ['complaints', 'agencies', 'movingAverage3', 'slope'],
  findings: [],
  prepost: ['preMeanPct', 'postMeanPct'],
};

/** The code lists a client may use, for the catalogue and OpenAPI. */
export const TREND_CODE_LISTS = {
  province: PROVINCES.map((p) => p.iso),
  region: REGIONS,
  agencyType: AGENCY_TYPES,
  category: CATEGORY_CODES,
  channel: TIP_CHANNELS,
  consultationChannel: CONSULTATION_CHANNELS,
  origin: CASE_ORIGINS,
  disposition: DISPOSITIONS,
} as const;
