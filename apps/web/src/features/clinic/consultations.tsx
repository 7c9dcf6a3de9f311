import { useState } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { CONSULTATION_CHANNELS, CONSULTATION_PHASES, CONSULTATION_TOPICS, REQUESTER_TYPES } from '#domain';
import { api, query } from '../../shared/api.js';
import { useCursorList, useUrlFilters, type CursorPage } from '../../shared/lists.js';
import { SelectField, TextArea, TextField, provinceOptions, useFormat } from '../../shared/ui.js';
import { CheckboxGroup, Checkbox, StatusBadge, bangkokToInstant, isOpaqueId, type Versioned } from './kit.js';
import { RegisterForm, RegisterList, useRegisterCreate } from './frames.js';

export interface ConsultationItem extends Versioned {
  officeCode: string | null;
  channel: string | null;
  requesterType: string | null;
  agencyId: string | null;
  provinceCode: string | null;
  topicCodes: string[];
  status: string;
  requestedAt: string;
  requestedBy: string | null;
  scheduledFor: string | null;
  advisorUserIds: string[];
  heldAt: string | null;
  durationMin: number | null;
  adviceCount: number;
  riskFlags: string[];
  followUpDueAt: string | null;
  followUpOpen: boolean;
  followUpOverdue: boolean;
  followUpRounds: number;
  lastFollowUpResult: string | null;
  escalatedTipId: string | null;
  closedAt: string | null;
  lastEventAt: string;
}

const SORTS = ['-requestedAt', 'requestedAt', '-scheduledFor', 'scheduledFor', 'followUpDueAt', '-lastEventAt'] as const;
const PAGE_SIZE = 25;

export function consultationTone(status: string): 'ok' | 'warn' | 'danger' | undefined {
  if (status === 'closed') return 'ok';
  if (status === 'escalated' || status === 'no_show') return 'danger';
  if (status === 'cancelled') return undefined;
  return 'warn';
}

export function ConsultationList() {
  const { t } = useTranslation('clinic');
  const { date, dateTime, province, language } = useFormat();
  const { filters, setFilter, bind } = useUrlFilters({ status: '', channel: '', province: '', topic: '', followUpOverdue: '', sort: '-requestedAt' }, ['followUpOverdue']);
  const { list, items } = useCursorList(['clinic', 'consultations', filters], (after, { signal }) => api<CursorPage<ConsultationItem>>(`/consultations${query({ ...filters, limit: PAGE_SIZE, after })}`, { signal }));
  return (
    <RegisterList
      title={t('consultations.title')}
      newLabel={t('consultations.new')}
      register="consultations"
      list={list}
      count={items.length}
      filters={
        <>
          <SelectField label={t('fields.status')} {...bind('status')} placeholder={t('filters.all')} options={CONSULTATION_PHASES.map((value) => ({ value, label: t(`consultationStatus.${value}`) }))} />
          <SelectField label={t('fields.channel')} {...bind('channel')} placeholder={t('filters.all')} options={CONSULTATION_CHANNELS.map((value) => ({ value, label: t(`channel.${value}`) }))} />
          <SelectField label={t('fields.province')} {...bind('province')} placeholder={t('filters.all')} options={provinceOptions(language)} />
          <SelectField label={t('fields.topic')} {...bind('topic')} placeholder={t('filters.all')} options={CONSULTATION_TOPICS.map((value) => ({ value, label: t(`topic.${value}`) }))} />
          <SelectField label={t('filters.sort')} {...bind('sort')} options={SORTS.map((value) => ({ value, label: t(`consultations.sort.${value}`) }))} />
          <Checkbox label={t('filters.followUpOverdue')} name="followUpOverdue" checked={filters.followUpOverdue === 'true'} onChange={(checked) => setFilter('followUpOverdue', checked ? 'true' : '')} />
        </>
      }
      columns={
        <>
          <th scope="col">{t('fields.requestedAt')}</th>
          <th scope="col">{t('fields.channel')}</th>
          <th scope="col">{t('fields.requesterType')}</th>
          <th scope="col">{t('fields.province')}</th>
          <th scope="col">{t('fields.topics')}</th>
          <th scope="col">{t('fields.scheduledFor')}</th>
          <th scope="col">{t('fields.followUpDueAt')}</th>
          <th scope="col">{t('fields.status')}</th>
        </>
      }
    >
      {items.map((item) => (
        <tr key={item.id}>
          <td>
            <Link to={`/clinic/consultations/${item.id}`}>{dateTime(item.requestedAt)}</Link>
          </td>
          <td>{item.channel ? t(`channel.${item.channel}`) : ''}</td>
          <td>{item.requesterType ? t(`requesterType.${item.requesterType}`) : ''}</td>
          <td>{province(item.provinceCode)}</td>
          <td>{item.topicCodes.map((code) => t(`topic.${code}`)).join(', ')}</td>
          <td>{dateTime(item.scheduledFor)}</td>
          <td>
            {item.followUpOpen ? date(item.followUpDueAt) : ''} {item.followUpOverdue ? <StatusBadge label={t('state.overdue')} tone="danger" /> : null}
          </td>
          <td>
            <StatusBadge label={t(`consultationStatus.${item.status}`)} tone={consultationTone(item.status)} />
          </td>
        </tr>
      ))}
    </RegisterList>
  );
}

/** Registers a request for advice (POST /consultations); the question is sealed personal data and never leaves the form but in the body. */
export function NewConsultation() {
  const { t } = useTranslation('clinic');
  const { language } = useFormat();
  const create = useRegisterCreate('consultations');
  const [channel, setChannel] = useState('');
  const [requesterType, setRequesterType] = useState('');
  const [agencyId, setAgencyId] = useState('');
  const [provinceCode, setProvinceCode] = useState('');
  const [topicCodes, setTopicCodes] = useState<string[]>([]);
  const [question, setQuestion] = useState('');
  const [requestedAt, setRequestedAt] = useState('');
  const submit = () => {
    const instant = requestedAt ? bangkokToInstant(requestedAt) : undefined;
    create.submit(
      [
        ['channel', channel ? '' : t('validation.required')],
        ['requesterType', requesterType ? '' : t('validation.required')],
        ['agencyId', !agencyId || isOpaqueId(agencyId.trim()) ? '' : t('validation.code')],
        ['provinceCode', provinceCode ? '' : t('validation.required')],
        ['topicCodes', topicCodes.length > 0 ? '' : t('validation.pickOne')],
        ['question', question.trim() ? '' : t('validation.required')],
        ['requestedAt', !requestedAt || (instant && instant <= new Date().toISOString()) ? '' : t('validation.past')],
      ],
      () => ({
        channel,
        requesterType,
        ...(agencyId.trim() && { agencyId: agencyId.trim() }),
        provinceCode,
        topicCodes,
        question: question.trim(),
        ...(instant && { requestedAt: instant }),
      }),
    );
  };
  const error = create.error;
  return (
    <RegisterForm title={t('consultations.newTitle')} backLabel={t('consultations.backToList')} register="consultations" submitLabel={t('consultations.register')} onSubmit={submit} pending={create.pending} error={error}>
      <div className="grid">
        <SelectField label={t('fields.channel')} name="channel" required value={channel} onChange={(e) => setChannel(e.target.value)} error={error} placeholder={t('filters.choose')} options={CONSULTATION_CHANNELS.map((value) => ({ value, label: t(`channel.${value}`) }))} />
        <SelectField label={t('fields.requesterType')} name="requesterType" required value={requesterType} onChange={(e) => setRequesterType(e.target.value)} error={error} placeholder={t('filters.choose')} options={REQUESTER_TYPES.map((value) => ({ value, label: t(`requesterType.${value}`) }))} />
        <SelectField label={t('fields.province')} name="provinceCode" required value={provinceCode} onChange={(e) => setProvinceCode(e.target.value)} error={error} placeholder={t('filters.choose')} options={provinceOptions(language)} />
        <TextField label={t('fields.agencyId')} name="agencyId" value={agencyId} onChange={(e) => setAgencyId(e.target.value)} error={error} hint={t('hints.agencyId')} autoComplete="off" />
        <TextField label={t('fields.requestedAtInput')} name="requestedAt" type="datetime-local" value={requestedAt} onChange={(e) => setRequestedAt(e.target.value)} error={error} hint={t('hints.defaultNow')} />
      </div>
      <CheckboxGroup legend={t('fields.topics')} name="topicCodes" required options={CONSULTATION_TOPICS.map((value) => ({ value, label: t(`topic.${value}`) }))} value={topicCodes} onChange={setTopicCodes} error={error} />
      <TextArea label={t('fields.question')} name="question" required value={question} onChange={(e) => setQuestion(e.target.value)} error={error} hint={t('hints.sealed')} maxLength={10000} />
    </RegisterForm>
  );
}
