import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { VISIT_PHASES } from '#domain';
import { api, newIdempotencyKey, query, type ApiError, type CommandResult } from '../../shared/api.js';
import { Empty, ErrorMessage, Loading, Page, SelectField, TextArea, TextField, provinceOptions, useFormat } from '../../shared/ui.js';
import { currentFiscalYearBE } from '../../shared/format.js';
import { useUser } from '../../staff/auth.js';
import { Checkbox, LoadMore, StatusBadge, isOpaqueId, isUuid, lines, localProblems, waitForVersion, type Page as ListPage, type Versioned } from './kit.js';

export interface RecommendationItem {
  recommendationId: string;
  findingIds: string[];
  issuedAt: string;
  dueAt: string | null;
  status: string;
  claimedStatus: string | null;
  respondedAt: string | null;
  verifiedAt: string | null;
  overdue: boolean;
}

export interface VisitItem extends Versioned {
  officeCode: string | null;
  fiscalYearBE: number | null;
  agencyId: string | null;
  provinceCode: string | null;
  budgetTHB: number | null;
  plannedFor: string | null;
  plannedBy: string | null;
  checklistTemplateId: string | null;
  teamUserIds: string[];
  memberUserIds: string[];
  status: string;
  conductedAt: string | null;
  checklist: { ok: number; issue: number; n_a: number };
  findingCount: number;
  findingsBySeverity: Partial<Record<'low' | 'medium' | 'high' | 'critical', number>>;
  riskAreas: string[];
  recommendations: RecommendationItem[];
  openRecommendations: number;
  overdueRecommendations: number;
  nextRecommendationDueAt: string | null;
  escalatedCaseId: string | null;
  closedAt: string | null;
  lastEventAt: string;
}

const SORTS = ['-plannedFor', 'plannedFor', 'nextRecommendationDueAt', '-openRecommendations', '-lastEventAt'] as const;
const PAGE_SIZE = 25;
/** The checklist template the demo programme uses; any registry id is accepted. */
export const DEFAULT_CHECKLIST_TEMPLATE = 'checklist-procurement-v1';

export function visitTone(status: string): 'ok' | 'warn' | 'danger' | undefined {
  if (status === 'closed' || status === 'follow_up_verified') return 'ok';
  if (status === 'escalated') return 'danger';
  if (status === 'cancelled') return undefined;
  return 'warn';
}

export function VisitList() {
  const { t } = useTranslation('clinic');
  const { date, province, language, number } = useFormat();
  const [params, setParams] = useSearchParams();
  const filters = {
    status: params.get('status') ?? '',
    province: params.get('province') ?? '',
    fiscalYear: params.get('fiscalYear') ?? '',
    openRecommendations: params.get('openRecommendations') ?? '',
    recommendationsOverdue: params.get('recommendationsOverdue') === 'true' ? 'true' : '',
    sort: params.get('sort') ?? '-plannedFor',
  };
  const setFilter = (name: keyof typeof filters, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };
  const list = useInfiniteQuery({
    queryKey: ['clinic', 'visits', filters],
    queryFn: ({ pageParam, signal }) => api<ListPage<VisitItem>>(`/visits${query({ ...filters, limit: PAGE_SIZE, after: pageParam })}`, { signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next,
  });
  const items = list.data?.pages.flatMap((page) => page.items) ?? [];
  const years = Array.from({ length: 7 }, (_, index) => currentFiscalYearBE() - index);
  return (
    <Page
      title={t('visits.title')}
      actions={
        <Link className="button" to="/clinic/visits/new">
          {t('visits.new')}
        </Link>
      }
    >
      <form className="card filters" role="search" aria-label={t('filters.label')} onSubmit={(event) => event.preventDefault()}>
        <div className="row">
          <SelectField label={t('fields.status')} name="status" value={filters.status} onChange={(e) => setFilter('status', e.target.value)} placeholder={t('filters.all')} options={VISIT_PHASES.map((value) => ({ value, label: t(`visitStatus.${value}`) }))} />
          <SelectField label={t('fields.province')} name="province" value={filters.province} onChange={(e) => setFilter('province', e.target.value)} placeholder={t('filters.all')} options={provinceOptions(language)} />
          <SelectField label={t('fields.fiscalYear')} name="fiscalYear" value={filters.fiscalYear} onChange={(e) => setFilter('fiscalYear', e.target.value)} placeholder={t('filters.all')} options={years.map((year) => ({ value: String(year), label: String(year) }))} />
          <SelectField
            label={t('fields.openRecommendations')}
            name="openRecommendations"
            value={filters.openRecommendations}
            onChange={(e) => setFilter('openRecommendations', e.target.value)}
            placeholder={t('filters.all')}
            options={[
              { value: 'true', label: t('filters.withOpen') },
              { value: 'false', label: t('filters.withoutOpen') },
            ]}
          />
          <SelectField label={t('filters.sort')} name="sort" value={filters.sort} onChange={(e) => setFilter('sort', e.target.value)} options={SORTS.map((value) => ({ value, label: t(`visits.sort.${value}`) }))} />
          <Checkbox label={t('filters.recommendationsOverdue')} name="recommendationsOverdue" checked={filters.recommendationsOverdue === 'true'} onChange={(checked) => setFilter('recommendationsOverdue', checked ? 'true' : '')} />
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
                <th scope="col">{t('fields.agencyId')}</th>
                <th scope="col">{t('fields.province')}</th>
                <th scope="col">{t('fields.fiscalYear')}</th>
                <th scope="col" className="num">{t('fields.findingCount')}</th>
                <th scope="col" className="num">{t('fields.openRecommendations')}</th>
                <th scope="col">{t('fields.nextDue')}</th>
                <th scope="col">{t('fields.status')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <tr key={item.id}>
                  <td>
                    <Link to={`/clinic/visits/${item.id}`}>{date(item.plannedFor)}</Link>
                  </td>
                  <td>{item.agencyId}</td>
                  <td>{province(item.provinceCode)}</td>
                  <td>{item.fiscalYearBE ?? ''}</td>
                  <td className="num">{number(item.findingCount)}</td>
                  <td className="num">
                    {number(item.openRecommendations)} {item.overdueRecommendations > 0 ? <StatusBadge label={t('visits.overdueCount', { count: item.overdueRecommendations })} tone="danger" /> : null}
                  </td>
                  <td>{date(item.nextRecommendationDueAt)}</td>
                  <td>
                    <StatusBadge label={t(`visitStatus.${item.status}`)} tone={visitTone(item.status)} />
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

/** Plans a proactive surveillance visit (POST /visits). */
export function NewVisit() {
  const { t } = useTranslation('clinic');
  const { language } = useFormat();
  const me = useUser();
  const navigate = useNavigate();
  const client = useQueryClient();
  const [values, setValues] = useState({ agencyId: '', provinceCode: '', projectName: '', budgetTHB: '', plannedFor: '', fiscalYearBE: '', team: me.userId, checklistTemplateId: DEFAULT_CHECKLIST_TEMPLATE, riskBasis: '' });
  const set = (name: keyof typeof values) => (event: { target: { value: string } }) => setValues((current) => ({ ...current, [name]: event.target.value }));
  const [local, setLocal] = useState<ApiError | undefined>(undefined);
  const create = useMutation({
    mutationFn: async (body: Record<string, unknown>) => {
      const result = await api<CommandResult>('/visits', { body, idempotencyKey: newIdempotencyKey() });
      await waitForVersion(`/visits/${result.id}`, result.version);
      await client.invalidateQueries({ queryKey: ['clinic', 'visits'] });
      return result;
    },
    onSuccess: (result) => navigate(`/clinic/visits/${result.id}`, { state: { created: true } }),
  });
  const submit = () => {
    const budget = values.budgetTHB.trim() === '' ? undefined : Number(values.budgetTHB);
    const year = values.fiscalYearBE.trim() === '' ? undefined : Number(values.fiscalYearBE);
    const team = lines(values.team);
    const invalid = localProblems([
      ['agencyId', !values.agencyId.trim() ? t('validation.required') : isOpaqueId(values.agencyId.trim()) ? '' : t('validation.code')],
      ['provinceCode', values.provinceCode ? '' : t('validation.required')],
      ['budgetTHB', budget === undefined || (Number.isFinite(budget) && budget >= 0 && budget <= 1_000_000_000_000) ? '' : t('validation.amount')],
      ['plannedFor', /^\d{4}-\d{2}-\d{2}$/.test(values.plannedFor) ? '' : t('validation.required')],
      ['fiscalYearBE', year === undefined || (Number.isInteger(year) && year >= 2500 && year <= 2999) ? '' : t('validation.fiscalYear')],
      ['teamUserIds', team.length === 0 ? t('validation.required') : team.every(isUuid) ? '' : t('validation.userIds')],
      ['checklistTemplateId', isOpaqueId(values.checklistTemplateId.trim()) ? '' : t('validation.code')],
      ['riskBasis', values.riskBasis.trim() ? '' : t('validation.required')],
    ]);
    setLocal(invalid);
    if (invalid) return;
    create.mutate({
      agencyId: values.agencyId.trim(),
      provinceCode: values.provinceCode,
      ...(values.projectName.trim() && { projectName: values.projectName.trim() }),
      ...(budget !== undefined && { budgetTHB: budget }),
      plannedFor: values.plannedFor,
      ...(year !== undefined && { fiscalYearBE: year }),
      teamUserIds: team,
      checklistTemplateId: values.checklistTemplateId.trim(),
      riskBasis: values.riskBasis.trim(),
    });
  };
  const error = local ?? create.error;
  return (
    <Page title={t('visits.newTitle')}>
      <p>
        <Link to="/clinic/visits">{t('visits.backToList')}</Link>
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
          <TextField label={t('fields.agencyId')} name="agencyId" required value={values.agencyId} onChange={set('agencyId')} error={error} hint={t('hints.agencyId')} autoComplete="off" />
          <SelectField label={t('fields.province')} name="provinceCode" required value={values.provinceCode} onChange={set('provinceCode')} error={error} placeholder={t('filters.choose')} options={provinceOptions(language)} />
          <TextField label={t('fields.projectName')} name="projectName" value={values.projectName} onChange={set('projectName')} error={error} maxLength={500} />
          <TextField label={t('fields.budgetTHB')} name="budgetTHB" type="number" min={0} step="0.01" inputMode="decimal" value={values.budgetTHB} onChange={set('budgetTHB')} error={error} />
          <TextField label={t('fields.plannedForInput')} name="plannedFor" type="date" required value={values.plannedFor} onChange={set('plannedFor')} error={error} />
          <TextField label={t('fields.fiscalYearInput')} name="fiscalYearBE" type="number" inputMode="numeric" min={2500} max={2999} value={values.fiscalYearBE} onChange={set('fiscalYearBE')} error={error} hint={t('hints.fiscalYearDefault')} />
          <TextField label={t('fields.checklistTemplateId')} name="checklistTemplateId" required value={values.checklistTemplateId} onChange={set('checklistTemplateId')} error={error} autoComplete="off" />
        </div>
        <TextArea label={t('fields.teamIds')} name="teamUserIds" required value={values.team} onChange={set('team')} error={error} hint={t('hints.userIds', { id: me.userId })} rows={2} />
        <TextField label={t('fields.riskBasis')} name="riskBasis" required value={values.riskBasis} onChange={set('riskBasis')} error={error} maxLength={500} hint={t('hints.nonPersonal')} />
        <ErrorMessage error={error} />
        <button type="submit" disabled={create.isPending}>
          {create.isPending ? t('common:state.saving') : t('visits.plan')}
        </button>
      </form>
    </Page>
  );
}
