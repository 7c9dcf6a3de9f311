import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { ACTIVITY_KINDS, ACTIVITY_PHASES, PARTICIPANT_TYPES } from '#domain';
import { api, newIdempotencyKey, query, type ApiError, type CommandResult } from '../../shared/api.js';
import { currentFiscalYearBE } from '../../shared/format.js';
import { Empty, ErrorMessage, Loading, Page, SelectField, TextField, provinceOptions, useFormat } from '../../shared/ui.js';
import { CheckboxGroup, LoadMore, StatusBadge, localProblems, waitForVersion, type Page as ListPage, type Versioned } from './kit.js';

export interface AssessmentSummary {
  n: number;
  mean: number;
  sd: number | null;
  maxScore: number;
}

export interface ActivityItem extends Versioned {
  officeCode: string | null;
  kind: string | null;
  fiscalYearBE: number | null;
  provinceCode: string | null;
  plannedFor: string | null;
  plannedBy: string | null;
  targetAudience: string[];
  status: string;
  heldAt: string | null;
  facilitatorUserIds: string[];
  attendanceTotal: number | null;
  attendanceByParticipantType: Partial<Record<string, number>> | null;
  agencyCount: number | null;
  assessments: Partial<Record<'pre_test' | 'post_test' | 'satisfaction', AssessmentSummary>>;
  awarenessGain: number | null;
  closedAt: string | null;
  lastEventAt: string;
}

const SORTS = ['-plannedFor', 'plannedFor', '-heldAt', '-attendanceTotal', '-lastEventAt'] as const;
const PAGE_SIZE = 25;

export function activityTone(status: string): 'ok' | 'warn' | undefined {
  if (status === 'closed') return 'ok';
  if (status === 'cancelled') return undefined;
  return 'warn';
}

export function ActivityList() {
  const { t } = useTranslation('clinic');
  const { date, province, language, number } = useFormat();
  const [params, setParams] = useSearchParams();
  const filters = {
    status: params.get('status') ?? '',
    kind: params.get('kind') ?? '',
    province: params.get('province') ?? '',
    fiscalYear: params.get('fiscalYear') ?? '',
    sort: params.get('sort') ?? '-plannedFor',
  };
  const setFilter = (name: keyof typeof filters, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };
  const list = useInfiniteQuery({
    queryKey: ['clinic', 'activities', filters],
    queryFn: ({ pageParam, signal }) => api<ListPage<ActivityItem>>(`/activities${query({ ...filters, limit: PAGE_SIZE, after: pageParam })}`, { signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next,
  });
  const items = list.data?.pages.flatMap((page) => page.items) ?? [];
  const years = Array.from({ length: 7 }, (_, index) => currentFiscalYearBE() - index);
  return (
    <Page
      title={t('activities.title')}
      actions={
        <Link className="button" to="/clinic/activities/new">
          {t('activities.new')}
        </Link>
      }
    >
      <form className="card filters" role="search" aria-label={t('filters.label')} onSubmit={(event) => event.preventDefault()}>
        <div className="row">
          <SelectField label={t('fields.status')} name="status" value={filters.status} onChange={(e) => setFilter('status', e.target.value)} placeholder={t('filters.all')} options={ACTIVITY_PHASES.map((value) => ({ value, label: t(`activityStatus.${value}`) }))} />
          <SelectField label={t('fields.kind')} name="kind" value={filters.kind} onChange={(e) => setFilter('kind', e.target.value)} placeholder={t('filters.all')} options={ACTIVITY_KINDS.map((value) => ({ value, label: t(`activityKind.${value}`) }))} />
          <SelectField label={t('fields.province')} name="province" value={filters.province} onChange={(e) => setFilter('province', e.target.value)} placeholder={t('filters.all')} options={provinceOptions(language)} />
          <SelectField label={t('fields.fiscalYear')} name="fiscalYear" value={filters.fiscalYear} onChange={(e) => setFilter('fiscalYear', e.target.value)} placeholder={t('filters.all')} options={years.map((year) => ({ value: String(year), label: String(year) }))} />
          <SelectField label={t('filters.sort')} name="sort" value={filters.sort} onChange={(e) => setFilter('sort', e.target.value)} options={SORTS.map((value) => ({ value, label: t(`activities.sort.${value}`) }))} />
        </div>
      </form>
      <ErrorMessage error={list.error} />
      {list.isPending ? (
        <Loading />
      ) : items.length === 0 ? (
        <Empty />
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('fields.plannedFor')}</th>
                <th scope="col">{t('fields.kind')}</th>
                <th scope="col">{t('fields.province')}</th>
                <th scope="col">{t('fields.fiscalYear')}</th>
                <th scope="col" className="num">{t('fields.attendanceTotal')}</th>
                <th scope="col" className="num">{t('fields.awarenessGain')}</th>
                <th scope="col">{t('fields.status')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <tr key={item.id}>
                  <td>
                    <Link to={`/clinic/activities/${item.id}`}>{date(item.plannedFor)}</Link>
                  </td>
                  <td>{item.kind ? t(`activityKind.${item.kind}`) : ''}</td>
                  <td>{province(item.provinceCode)}</td>
                  <td>{item.fiscalYearBE ?? ''}</td>
                  <td className="num">{number(item.attendanceTotal)}</td>
                  <td className="num">{number(item.awarenessGain, 2)}</td>
                  <td>
                    <StatusBadge label={t(`activityStatus.${item.status}`)} tone={activityTone(item.status)} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <LoadMore count={items.length} hasMore={!!list.hasNextPage} loading={list.isFetchingNextPage} onMore={() => void list.fetchNextPage()} />
    </Page>
  );
}

/** Plans an outreach activity (POST /activities): counts only, never a participant's name. */
export function NewActivity() {
  const { t } = useTranslation('clinic');
  const { language } = useFormat();
  const navigate = useNavigate();
  const client = useQueryClient();
  const [kind, setKind] = useState('');
  const [provinceCode, setProvinceCode] = useState('');
  const [plannedFor, setPlannedFor] = useState('');
  const [fiscalYear, setFiscalYear] = useState('');
  const [audience, setAudience] = useState<string[]>([]);
  const [local, setLocal] = useState<ApiError | undefined>(undefined);
  const create = useMutation({
    mutationFn: async (body: Record<string, unknown>) => {
      const result = await api<CommandResult>('/activities', { body, idempotencyKey: newIdempotencyKey() });
      await waitForVersion(`/activities/${result.id}`, result.version);
      await client.invalidateQueries({ queryKey: ['clinic', 'activities'] });
      return result;
    },
    onSuccess: (result) => navigate(`/clinic/activities/${result.id}`, { state: { created: true } }),
  });
  const submit = () => {
    const year = fiscalYear.trim() === '' ? undefined : Number(fiscalYear);
    const invalid = localProblems([
      ['kind', kind ? '' : t('validation.required')],
      ['provinceCode', provinceCode ? '' : t('validation.required')],
      ['plannedFor', /^\d{4}-\d{2}-\d{2}$/.test(plannedFor) ? '' : t('validation.required')],
      ['fiscalYearBE', year === undefined || (Number.isInteger(year) && year >= 2500 && year <= 2999) ? '' : t('validation.fiscalYear')],
      ['targetAudience', audience.length > 0 ? '' : t('validation.pickOne')],
    ]);
    setLocal(invalid);
    if (invalid) return;
    create.mutate({ kind, provinceCode, plannedFor, ...(year !== undefined && { fiscalYearBE: year }), targetAudience: audience });
  };
  const error = local ?? create.error;
  return (
    <Page title={t('activities.newTitle')}>
      <p>
        <Link to="/clinic/activities">{t('activities.backToList')}</Link>
      </p>
      <form
        className="card"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (!create.isPending) submit();
        }}
      >
        <div className="grid">
          <SelectField label={t('fields.kind')} name="kind" required value={kind} onChange={(e) => setKind(e.target.value)} error={error} placeholder={t('filters.choose')} options={ACTIVITY_KINDS.map((value) => ({ value, label: t(`activityKind.${value}`) }))} />
          <SelectField label={t('fields.province')} name="provinceCode" required value={provinceCode} onChange={(e) => setProvinceCode(e.target.value)} error={error} placeholder={t('filters.choose')} options={provinceOptions(language)} />
          <TextField label={t('fields.plannedForInput')} name="plannedFor" type="date" required value={plannedFor} onChange={(e) => setPlannedFor(e.target.value)} error={error} />
          <TextField label={t('fields.fiscalYearInput')} name="fiscalYearBE" type="number" inputMode="numeric" min={2500} max={2999} value={fiscalYear} onChange={(e) => setFiscalYear(e.target.value)} error={error} hint={t('hints.fiscalYearDefault')} />
        </div>
        <CheckboxGroup legend={t('fields.targetAudience')} name="targetAudience" required options={PARTICIPANT_TYPES.map((value) => ({ value, label: t(`participant.${value}`) }))} value={audience} onChange={setAudience} error={error} />
        <ErrorMessage error={error} />
        <button type="submit" disabled={create.isPending}>
          {create.isPending ? t('common:state.saving') : t('activities.plan')}
        </button>
      </form>
    </Page>
  );
}
