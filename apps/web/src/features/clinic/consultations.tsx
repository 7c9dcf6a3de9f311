import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { CONSULTATION_CHANNELS, CONSULTATION_PHASES, CONSULTATION_TOPICS, REQUESTER_TYPES } from '#domain';
import { api, newIdempotencyKey, query, type ApiError, type CommandResult } from '../../shared/api.js';
import { Empty, ErrorMessage, Loading, Page, SelectField, TextArea, TextField, provinceOptions, useFormat } from '../../shared/ui.js';
import { CheckboxGroup, Checkbox, LoadMore, StatusBadge, bangkokToInstant, isOpaqueId, localProblems, waitForVersion, type Page as ListPage, type Versioned } from './kit.js';

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
  const [params, setParams] = useSearchParams();
  const filters = {
    status: params.get('status') ?? '',
    channel: params.get('channel') ?? '',
    province: params.get('province') ?? '',
    topic: params.get('topic') ?? '',
    followUpOverdue: params.get('followUpOverdue') === 'true' ? 'true' : '',
    sort: params.get('sort') ?? '-requestedAt',
  };
  const setFilter = (name: keyof typeof filters, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };
  const list = useInfiniteQuery({
    queryKey: ['clinic', 'consultations', filters],
    queryFn: ({ pageParam, signal }) => api<ListPage<ConsultationItem>>(`/consultations${query({ ...filters, limit: PAGE_SIZE, after: pageParam })}`, { signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next,
  });
  const items = list.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <Page
      title={t('consultations.title')}
      actions={
        <Link className="button" to="/clinic/consultations/new">
          {t('consultations.new')}
        </Link>
      }
    >
      <form className="card filters" role="search" aria-label={t('filters.label')} onSubmit={(event) => event.preventDefault()}>
        <div className="row">
          <SelectField label={t('fields.status')} name="status" value={filters.status} onChange={(e) => setFilter('status', e.target.value)} placeholder={t('filters.all')} options={CONSULTATION_PHASES.map((value) => ({ value, label: t(`consultationStatus.${value}`) }))} />
          <SelectField label={t('fields.channel')} name="channel" value={filters.channel} onChange={(e) => setFilter('channel', e.target.value)} placeholder={t('filters.all')} options={CONSULTATION_CHANNELS.map((value) => ({ value, label: t(`channel.${value}`) }))} />
          <SelectField label={t('fields.province')} name="province" value={filters.province} onChange={(e) => setFilter('province', e.target.value)} placeholder={t('filters.all')} options={provinceOptions(language)} />
          <SelectField label={t('fields.topic')} name="topic" value={filters.topic} onChange={(e) => setFilter('topic', e.target.value)} placeholder={t('filters.all')} options={CONSULTATION_TOPICS.map((value) => ({ value, label: t(`topic.${value}`) }))} />
          <SelectField label={t('filters.sort')} name="sort" value={filters.sort} onChange={(e) => setFilter('sort', e.target.value)} options={SORTS.map((value) => ({ value, label: t(`consultations.sort.${value}`) }))} />
          <Checkbox label={t('filters.followUpOverdue')} name="followUpOverdue" checked={filters.followUpOverdue === 'true'} onChange={(checked) => setFilter('followUpOverdue', checked ? 'true' : '')} />
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
                <th scope="col">{t('fields.requestedAt')}</th>
                <th scope="col">{t('fields.channel')}</th>
                <th scope="col">{t('fields.requesterType')}</th>
                <th scope="col">{t('fields.province')}</th>
                <th scope="col">{t('fields.topics')}</th>
                <th scope="col">{t('fields.scheduledFor')}</th>
                <th scope="col">{t('fields.followUpDueAt')}</th>
                <th scope="col">{t('fields.status')}</th>
              </tr>
            </thead>
            <tbody>
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
            </tbody>
          </table>
        </div>
      )}
      <LoadMore count={items.length} hasMore={!!list.hasNextPage} loading={list.isFetchingNextPage} onMore={() => void list.fetchNextPage()} />
    </Page>
  );
}

/** Registers a request for advice (POST /consultations); the question is sealed personal data and never leaves the form but in the body. */
export function NewConsultation() {
  const { t } = useTranslation('clinic');
  const { language } = useFormat();
  const navigate = useNavigate();
  const client = useQueryClient();
  const [channel, setChannel] = useState('');
  const [requesterType, setRequesterType] = useState('');
  const [agencyId, setAgencyId] = useState('');
  const [provinceCode, setProvinceCode] = useState('');
  const [topicCodes, setTopicCodes] = useState<string[]>([]);
  const [question, setQuestion] = useState('');
  const [requestedAt, setRequestedAt] = useState('');
  const [local, setLocal] = useState<ApiError | undefined>(undefined);
  const create = useMutation({
    mutationFn: async (body: Record<string, unknown>) => {
      const result = await api<CommandResult>('/consultations', { body, idempotencyKey: newIdempotencyKey() });
      await waitForVersion(`/consultations/${result.id}`, result.version);
      await client.invalidateQueries({ queryKey: ['clinic', 'consultations'] });
      return result;
    },
    onSuccess: (result) => navigate(`/clinic/consultations/${result.id}`, { state: { created: true } }),
  });
  const submit = () => {
    const instant = requestedAt ? bangkokToInstant(requestedAt) : undefined;
    const invalid = localProblems([
      ['channel', channel ? '' : t('validation.required')],
      ['requesterType', requesterType ? '' : t('validation.required')],
      ['agencyId', !agencyId || isOpaqueId(agencyId.trim()) ? '' : t('validation.code')],
      ['provinceCode', provinceCode ? '' : t('validation.required')],
      ['topicCodes', topicCodes.length > 0 ? '' : t('validation.pickOne')],
      ['question', question.trim() ? '' : t('validation.required')],
      ['requestedAt', !requestedAt || (instant && instant <= new Date().toISOString()) ? '' : t('validation.past')],
    ]);
    setLocal(invalid);
    if (invalid) return;
    create.mutate({
      channel,
      requesterType,
      ...(agencyId.trim() && { agencyId: agencyId.trim() }),
      provinceCode,
      topicCodes,
      question: question.trim(),
      ...(instant && { requestedAt: instant }),
    });
  };
  const error = local ?? create.error;
  return (
    <Page title={t('consultations.newTitle')}>
      <p>
        <Link to="/clinic/consultations">{t('consultations.backToList')}</Link>
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
          <SelectField label={t('fields.channel')} name="channel" required value={channel} onChange={(e) => setChannel(e.target.value)} error={error} placeholder={t('filters.choose')} options={CONSULTATION_CHANNELS.map((value) => ({ value, label: t(`channel.${value}`) }))} />
          <SelectField label={t('fields.requesterType')} name="requesterType" required value={requesterType} onChange={(e) => setRequesterType(e.target.value)} error={error} placeholder={t('filters.choose')} options={REQUESTER_TYPES.map((value) => ({ value, label: t(`requesterType.${value}`) }))} />
          <SelectField label={t('fields.province')} name="provinceCode" required value={provinceCode} onChange={(e) => setProvinceCode(e.target.value)} error={error} placeholder={t('filters.choose')} options={provinceOptions(language)} />
          <TextField label={t('fields.agencyId')} name="agencyId" value={agencyId} onChange={(e) => setAgencyId(e.target.value)} error={error} hint={t('hints.agencyId')} autoComplete="off" />
          <TextField label={t('fields.requestedAtInput')} name="requestedAt" type="datetime-local" value={requestedAt} onChange={(e) => setRequestedAt(e.target.value)} error={error} hint={t('hints.defaultNow')} />
        </div>
        <CheckboxGroup legend={t('fields.topics')} name="topicCodes" required options={CONSULTATION_TOPICS.map((value) => ({ value, label: t(`topic.${value}`) }))} value={topicCodes} onChange={setTopicCodes} error={error} />
        <TextArea label={t('fields.question')} name="question" required value={question} onChange={(e) => setQuestion(e.target.value)} error={error} hint={t('hints.sealed')} maxLength={10000} />
        <ErrorMessage error={error} />
        <button type="submit" disabled={create.isPending}>
          {create.isPending ? t('common:state.saving') : t('consultations.register')}
        </button>
      </form>
    </Page>
  );
}
