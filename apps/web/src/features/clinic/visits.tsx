import { useState } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { VISIT_PHASES } from '#domain';
import { api, query } from '../../shared/api.js';
import { useCursorList, useUrlFilters, type CursorPage } from '../../shared/lists.js';
import { SelectField, TextArea, TextField, provinceOptions, useFormat } from '../../shared/ui.js';
import { useUser } from '../../staff/auth.js';
import { Checkbox, StatusBadge, isOpaqueId, lines, userIdsProblem, type Versioned } from './kit.js';
import { RegisterForm, RegisterList, recentFiscalYears, useRegisterCreate } from './frames.js';

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
  const { filters, setFilter, bind } = useUrlFilters({ status: '', province: '', fiscalYear: '', openRecommendations: '', recommendationsOverdue: '', sort: '-plannedFor' }, ['recommendationsOverdue']);
  const { list, items } = useCursorList(['clinic', 'visits', filters], (after, { signal }) => api<CursorPage<VisitItem>>(`/visits${query({ ...filters, limit: PAGE_SIZE, after })}`, { signal }));
  const years = recentFiscalYears();
  return (
    <RegisterList
      title={t('visits.title')}
      newLabel={t('visits.new')}
      register="visits"
      list={list}
      count={items.length}
      filters={
        <>
          <SelectField label={t('fields.status')} {...bind('status')} placeholder={t('filters.all')} options={VISIT_PHASES.map((value) => ({ value, label: t(`visitStatus.${value}`) }))} />
          <SelectField label={t('fields.province')} {...bind('province')} placeholder={t('filters.all')} options={provinceOptions(language)} />
          <SelectField label={t('fields.fiscalYear')} {...bind('fiscalYear')} placeholder={t('filters.all')} options={years.map((year) => ({ value: String(year), label: String(year) }))} />
          <SelectField
            label={t('fields.openRecommendations')}
            {...bind('openRecommendations')}
            placeholder={t('filters.all')}
            options={[
              { value: 'true', label: t('filters.withOpen') },
              { value: 'false', label: t('filters.withoutOpen') },
            ]}
          />
          <SelectField label={t('filters.sort')} {...bind('sort')} options={SORTS.map((value) => ({ value, label: t(`visits.sort.${value}`) }))} />
          <Checkbox label={t('filters.recommendationsOverdue')} name="recommendationsOverdue" checked={filters.recommendationsOverdue === 'true'} onChange={(checked) => setFilter('recommendationsOverdue', checked ? 'true' : '')} />
        </>
      }
      columns={
        <>
          <th scope="col">{t('fields.plannedFor')}</th>
          <th scope="col">{t('fields.agencyId')}</th>
          <th scope="col">{t('fields.province')}</th>
          <th scope="col">{t('fields.fiscalYear')}</th>
          <th scope="col" className="num">{t('fields.findingCount')}</th>
          <th scope="col" className="num">{t('fields.openRecommendations')}</th>
          <th scope="col">{t('fields.nextDue')}</th>
          <th scope="col">{t('fields.status')}</th>
        </>
      }
    >
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
    </RegisterList>
  );
}

/** Plans a proactive surveillance visit (POST /visits). */
export function NewVisit() {
  const { t } = useTranslation('clinic');
  const { language } = useFormat();
  const me = useUser();
  const create = useRegisterCreate('visits');
  const [values, setValues] = useState({ agencyId: '', provinceCode: '', projectName: '', budgetTHB: '', plannedFor: '', fiscalYearBE: '', team: me.userId, checklistTemplateId: DEFAULT_CHECKLIST_TEMPLATE, riskBasis: '' });
  const set = (name: keyof typeof values) => (event: { target: { value: string } }) => setValues((current) => ({ ...current, [name]: event.target.value }));
  const submit = () => {
    const budget = values.budgetTHB.trim() === '' ? undefined : Number(values.budgetTHB);
    const year = values.fiscalYearBE.trim() === '' ? undefined : Number(values.fiscalYearBE);
    const team = lines(values.team);
    create.submit(
      [
        ['agencyId', !values.agencyId.trim() ? t('validation.required') : isOpaqueId(values.agencyId.trim()) ? '' : t('validation.code')],
        ['provinceCode', values.provinceCode ? '' : t('validation.required')],
        ['budgetTHB', budget === undefined || (Number.isFinite(budget) && budget >= 0 && budget <= 1_000_000_000_000) ? '' : t('validation.amount')],
        ['plannedFor', /^\d{4}-\d{2}-\d{2}$/.test(values.plannedFor) ? '' : t('validation.required')],
        ['fiscalYearBE', year === undefined || (Number.isInteger(year) && year >= 2500 && year <= 2999) ? '' : t('validation.fiscalYear')],
        ['teamUserIds', userIdsProblem(t, values.team)],
        ['checklistTemplateId', isOpaqueId(values.checklistTemplateId.trim()) ? '' : t('validation.code')],
        ['riskBasis', values.riskBasis.trim() ? '' : t('validation.required')],
      ],
      () => ({
        agencyId: values.agencyId.trim(),
        provinceCode: values.provinceCode,
        ...(values.projectName.trim() && { projectName: values.projectName.trim() }),
        ...(budget !== undefined && { budgetTHB: budget }),
        plannedFor: values.plannedFor,
        ...(year !== undefined && { fiscalYearBE: year }),
        teamUserIds: team,
        checklistTemplateId: values.checklistTemplateId.trim(),
        riskBasis: values.riskBasis.trim(),
      }),
    );
  };
  const error = create.error;
  return (
    <RegisterForm title={t('visits.newTitle')} backLabel={t('visits.backToList')} register="visits" submitLabel={t('visits.plan')} onSubmit={submit} pending={create.pending} error={error}>
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
    </RegisterForm>
  );
}
