import { useState } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { ACTIVITY_KINDS, ACTIVITY_PHASES, PARTICIPANT_TYPES } from '#domain';
import { api, query } from '../../shared/api.js';
import { useCursorList, useUrlFilters, type CursorPage } from '../../shared/lists.js';
import { SelectField, TextField, provinceOptions, useFormat } from '../../shared/ui.js';
import { CheckboxGroup, StatusBadge, type Versioned } from './kit.js';
import { RegisterForm, RegisterList, recentFiscalYears, useRegisterCreate } from './frames.js';

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
  const { filters, bind } = useUrlFilters({ status: '', kind: '', province: '', fiscalYear: '', sort: '-plannedFor' });
  const { list, items } = useCursorList(['clinic', 'activities', filters], (after, { signal }) => api<CursorPage<ActivityItem>>(`/activities${query({ ...filters, limit: PAGE_SIZE, after })}`, { signal }));
  const years = recentFiscalYears();
  return (
    <RegisterList
      title={t('activities.title')}
      newLabel={t('activities.new')}
      register="activities"
      list={list}
      count={items.length}
      filters={
        <>
          <SelectField label={t('fields.status')} {...bind('status')} placeholder={t('filters.all')} options={ACTIVITY_PHASES.map((value) => ({ value, label: t(`activityStatus.${value}`) }))} />
          <SelectField label={t('fields.kind')} {...bind('kind')} placeholder={t('filters.all')} options={ACTIVITY_KINDS.map((value) => ({ value, label: t(`activityKind.${value}`) }))} />
          <SelectField label={t('fields.province')} {...bind('province')} placeholder={t('filters.all')} options={provinceOptions(language)} />
          <SelectField label={t('fields.fiscalYear')} {...bind('fiscalYear')} placeholder={t('filters.all')} options={years.map((year) => ({ value: String(year), label: String(year) }))} />
          <SelectField label={t('filters.sort')} {...bind('sort')} options={SORTS.map((value) => ({ value, label: t(`activities.sort.${value}`) }))} />
        </>
      }
      columns={
        <>
          <th scope="col">{t('fields.plannedFor')}</th>
          <th scope="col">{t('fields.kind')}</th>
          <th scope="col">{t('fields.province')}</th>
          <th scope="col">{t('fields.fiscalYear')}</th>
          <th scope="col" className="num">{t('fields.attendanceTotal')}</th>
          <th scope="col" className="num">{t('fields.awarenessGain')}</th>
          <th scope="col">{t('fields.status')}</th>
        </>
      }
    >
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
    </RegisterList>
  );
}

/** Plans an outreach activity (POST /activities): counts only, never a participant's name. */
export function NewActivity() {
  const { t } = useTranslation('clinic');
  const { language } = useFormat();
  const create = useRegisterCreate('activities');
  const [kind, setKind] = useState('');
  const [provinceCode, setProvinceCode] = useState('');
  const [plannedFor, setPlannedFor] = useState('');
  const [fiscalYear, setFiscalYear] = useState('');
  const [audience, setAudience] = useState<string[]>([]);
  const submit = () => {
    const year = fiscalYear.trim() === '' ? undefined : Number(fiscalYear);
    create.submit(
      [
        ['kind', kind ? '' : t('validation.required')],
        ['provinceCode', provinceCode ? '' : t('validation.required')],
        ['plannedFor', /^\d{4}-\d{2}-\d{2}$/.test(plannedFor) ? '' : t('validation.required')],
        ['fiscalYearBE', year === undefined || (Number.isInteger(year) && year >= 2500 && year <= 2999) ? '' : t('validation.fiscalYear')],
        ['targetAudience', audience.length > 0 ? '' : t('validation.pickOne')],
      ],
      () => ({ kind, provinceCode, plannedFor, ...(year !== undefined && { fiscalYearBE: year }), targetAudience: audience }),
    );
  };
  const error = create.error;
  return (
    <RegisterForm title={t('activities.newTitle')} backLabel={t('activities.backToList')} register="activities" submitLabel={t('activities.plan')} onSubmit={submit} pending={create.pending} error={error}>
      <div className="grid">
        <SelectField label={t('fields.kind')} name="kind" required value={kind} onChange={(e) => setKind(e.target.value)} error={error} placeholder={t('filters.choose')} options={ACTIVITY_KINDS.map((value) => ({ value, label: t(`activityKind.${value}`) }))} />
        <SelectField label={t('fields.province')} name="provinceCode" required value={provinceCode} onChange={(e) => setProvinceCode(e.target.value)} error={error} placeholder={t('filters.choose')} options={provinceOptions(language)} />
        <TextField label={t('fields.plannedForInput')} name="plannedFor" type="date" required value={plannedFor} onChange={(e) => setPlannedFor(e.target.value)} error={error} />
        <TextField label={t('fields.fiscalYearInput')} name="fiscalYearBE" type="number" inputMode="numeric" min={2500} max={2999} value={fiscalYear} onChange={(e) => setFiscalYear(e.target.value)} error={error} hint={t('hints.fiscalYearDefault')} />
      </div>
      <CheckboxGroup legend={t('fields.targetAudience')} name="targetAudience" required options={PARTICIPANT_TYPES.map((value) => ({ value, label: t(`participant.${value}`) }))} value={audience} onChange={setAudience} error={error} />
    </RegisterForm>
  );
}
