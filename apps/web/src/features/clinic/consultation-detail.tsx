import { useState } from 'react';
import { useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { CONSULTATION_ALLOWED_COMMANDS, FOLLOW_UP_RESULTS, type ConsultationPhase } from '#domain';
import { SelectField, TextArea, TextField, categoryOptions, useFormat } from '../../shared/ui.js';
import { useUser } from '../../staff/auth.js';
import { CheckboxGroup, CommandCard, StatusBadge, bangkokNow, bangkokToInstant, lines, pastInstantProblem, userIdsProblem } from './kit.js';
import { CancelCommand, CommandsSection, FactsCard, PlainCommand, RegisterDetail, useRegisterCommand, useRegisterItem } from './frames.js';
import { consultationTone, type ConsultationItem } from './consultations.js';

type Command = (typeof CONSULTATION_ALLOWED_COMMANDS)[ConsultationPhase][number];

function useConsultationCommand<Body>(item: ConsultationItem, command: string, message?: Parameters<typeof useRegisterCommand>[3]) {
  return useRegisterCommand<Body>('consultations', item, command, message);
}

export function ConsultationDetail() {
  const { id = '' } = useParams();
  const { t } = useTranslation('clinic');
  const { date, dateTime, province, category, number } = useFormat();
  const detail = useRegisterItem<ConsultationItem>('consultations', id);
  return (
    <RegisterDetail title={t('consultations.detailTitle')} backLabel={t('consultations.backToList')} createdLabel={t('consultations.created')} register="consultations" detail={detail}>
      {(item) => {
        const allowed: readonly Command[] = CONSULTATION_ALLOWED_COMMANDS[item.status as ConsultationPhase] ?? [];
        return (
          <>
            <FactsCard register="consultations" item={item} note={t('consultations.sealedNote')} status={<StatusBadge label={t(`consultationStatus.${item.status}`)} tone={consultationTone(item.status)} />}>
              <dt>{t('fields.channel')}</dt>
              <dd>{item.channel ? t(`channel.${item.channel}`) : t('common:state.none')}</dd>
              <dt>{t('fields.requesterType')}</dt>
              <dd>{item.requesterType ? t(`requesterType.${item.requesterType}`) : t('common:state.none')}</dd>
              <dt>{t('fields.agencyId')}</dt>
              <dd>{item.agencyId ?? t('common:state.none')}</dd>
              <dt>{t('fields.province')}</dt>
              <dd>{province(item.provinceCode) || t('common:state.none')}</dd>
              <dt>{t('fields.topics')}</dt>
              <dd>{item.topicCodes.map((code) => t(`topic.${code}`)).join(', ')}</dd>
              <dt>{t('fields.requestedAt')}</dt>
              <dd>{dateTime(item.requestedAt)}</dd>
              <dt>{t('fields.scheduledFor')}</dt>
              <dd>{dateTime(item.scheduledFor) || t('common:state.none')}</dd>
              <dt>{t('fields.advisors')}</dt>
              <dd>{t('detail.people', { count: item.advisorUserIds.length })}</dd>
              <dt>{t('fields.heldAt')}</dt>
              <dd>{item.heldAt ? `${dateTime(item.heldAt)} (${t('detail.minutes', { count: item.durationMin ?? 0 })})` : t('common:state.none')}</dd>
              <dt>{t('fields.adviceCount')}</dt>
              <dd>{number(item.adviceCount)}</dd>
              <dt>{t('fields.riskFlags')}</dt>
              <dd>{item.riskFlags.length > 0 ? item.riskFlags.map((code) => category(code)).join(', ') : t('common:state.none')}</dd>
              <dt>{t('fields.followUp')}</dt>
              <dd>
                {item.followUpOpen ? t('detail.followUpOpen', { date: date(item.followUpDueAt) }) : t('detail.followUpNone')}{' '}
                {item.followUpOverdue ? <StatusBadge label={t('state.overdue')} tone="danger" /> : null}
              </dd>
              <dt>{t('fields.followUpRounds')}</dt>
              <dd>{number(item.followUpRounds)}</dd>
              <dt>{t('fields.lastFollowUpResult')}</dt>
              <dd>{item.lastFollowUpResult ? t(`followUpResult.${item.lastFollowUpResult}`) : t('common:state.none')}</dd>
              {item.escalatedTipId ? (
                <>
                  <dt>{t('fields.escalatedTip')}</dt>
                  <dd>
                    <code>{item.escalatedTipId}</code>
                  </dd>
                </>
              ) : null}
            </FactsCard>
            <CommandsSection register="consultations" none={allowed.length === 0}>
              {allowed.includes('ScheduleConsultation') ? <Schedule item={item} key={`schedule-${item.version}`} /> : null}
              {allowed.includes('RecordConsultationHeld') ? <RecordHeld item={item} /> : null}
              {allowed.includes('GiveAdvice') ? <GiveAdvice item={item} /> : null}
              {allowed.includes('ScheduleFollowUp') ? <ScheduleFollowUp item={item} /> : null}
              {allowed.includes('CompleteFollowUp') && item.followUpOpen ? <CompleteFollowUp item={item} /> : null}
              {allowed.includes('CloseConsultation') && !item.followUpOpen ? <PlainCommand register="consultations" item={item} command="close" title={t('consultations.cmd.close')} intro={t('consultations.cmd.closeIntro')} submit={t('consultations.cmd.closeSubmit')} /> : null}
              {allowed.includes('RecordNoShow') ? <PlainCommand register="consultations" item={item} command="record-no-show" title={t('consultations.cmd.noShow')} intro={t('consultations.cmd.noShowIntro')} submit={t('consultations.cmd.noShowSubmit')} /> : null}
              {allowed.includes('EscalateConsultation') ? <Escalate item={item} /> : null}
              {allowed.includes('CancelConsultation') ? <CancelCommand register="consultations" item={item} title={t('consultations.cmd.cancel')} submit={t('consultations.cmd.cancelSubmit')} /> : null}
            </CommandsSection>
          </>
        );
      }}
    </RegisterDetail>
  );
}

function Schedule({ item }: { item: ConsultationItem }) {
  const { t } = useTranslation('clinic');
  const me = useUser();
  const command = useConsultationCommand<Record<string, unknown>>(item, 'schedule');
  const [scheduledFor, setScheduledFor] = useState('');
  const [place, setPlace] = useState('');
  const [advisors, setAdvisors] = useState((item.advisorUserIds.length > 0 ? item.advisorUserIds : [me.userId]).join('\n'));
  const submit = () =>
    command.submit(
      [
        ['scheduledFor', !scheduledFor ? t('validation.required') : bangkokToInstant(scheduledFor) ? '' : t('validation.dateTime')],
        ['location', place.trim() ? '' : t('validation.required')],
        ['advisorUserIds', userIdsProblem(t, advisors)],
      ],
      () => ({ scheduledFor: bangkokToInstant(scheduledFor), location: place.trim(), advisorUserIds: lines(advisors) }),
    );
  return (
    <CommandCard title={item.status === 'scheduled' ? t('consultations.cmd.reschedule') : t('consultations.cmd.schedule')} submit={t('consultations.cmd.scheduleSubmit')} onSubmit={submit} pending={command.pending} error={command.error}>
      <TextField label={t('fields.scheduledForInput')} name="scheduledFor" type="datetime-local" required value={scheduledFor} onChange={(e) => setScheduledFor(e.target.value)} error={command.error} />
      <TextField label={t('fields.location')} name="location" required value={place} onChange={(e) => setPlace(e.target.value)} error={command.error} maxLength={500} hint={t('hints.nonPersonal')} />
      <TextArea label={t('fields.advisorIds')} name="advisorUserIds" required value={advisors} onChange={(e) => setAdvisors(e.target.value)} error={command.error} hint={t('hints.userIds', { id: me.userId })} rows={2} />
    </CommandCard>
  );
}

function RecordHeld({ item }: { item: ConsultationItem }) {
  const { t } = useTranslation('clinic');
  const me = useUser();
  const command = useConsultationCommand<Record<string, unknown>>(item, 'record-held');
  const [heldAt, setHeldAt] = useState(bangkokNow());
  const [duration, setDuration] = useState('');
  const [advisors, setAdvisors] = useState((item.advisorUserIds.length > 0 ? item.advisorUserIds : [me.userId]).join('\n'));
  const minutes = Number(duration);
  const submit = () =>
    command.submit(
      [
        ['heldAt', pastInstantProblem(t, heldAt, true)],
        ['durationMin', Number.isInteger(minutes) && minutes >= 1 && minutes <= 1440 ? '' : t('validation.minutes')],
        ['advisorUserIds', userIdsProblem(t, advisors)],
      ],
      () => ({ heldAt: bangkokToInstant(heldAt), durationMin: minutes, advisorUserIds: lines(advisors) }),
    );
  return (
    <CommandCard title={t('consultations.cmd.held')} submit={t('consultations.cmd.heldSubmit')} onSubmit={submit} pending={command.pending} error={command.error}>
      <TextField label={t('fields.heldAtInput')} name="heldAt" type="datetime-local" required value={heldAt} onChange={(e) => setHeldAt(e.target.value)} error={command.error} />
      <TextField label={t('fields.durationMin')} name="durationMin" type="number" inputMode="numeric" min={1} max={1440} required value={duration} onChange={(e) => setDuration(e.target.value)} error={command.error} />
      <TextArea label={t('fields.advisorIds')} name="advisorUserIds" required value={advisors} onChange={(e) => setAdvisors(e.target.value)} error={command.error} hint={t('hints.userIds', { id: me.userId })} rows={2} />
    </CommandCard>
  );
}

function GiveAdvice({ item }: { item: ConsultationItem }) {
  const { t } = useTranslation('clinic');
  const { language } = useFormat();
  const command = useConsultationCommand<Record<string, unknown>>(item, 'give-advice');
  const [summary, setSummary] = useState('');
  const [riskFlags, setRiskFlags] = useState<string[]>([]);
  const [measures, setMeasures] = useState('');
  const [rules, setRules] = useState('');
  const tooLong = (text: string) => (lines(text).some((line) => line.length > 500) ? t('validation.lineTooLong') : '');
  const submit = () =>
    command.submit(
      [
        ['summary', summary.trim() ? '' : t('validation.required')],
        ['recommendedMeasures', tooLong(measures)],
        ['referencesToRules', tooLong(rules)],
      ],
      () => ({ summary: summary.trim(), riskFlags, recommendedMeasures: lines(measures), referencesToRules: lines(rules) }),
      () => {
        setSummary('');
        setRiskFlags([]);
        setMeasures('');
        setRules('');
      },
    );
  return (
    <CommandCard title={t('consultations.cmd.advice')} submit={t('consultations.cmd.adviceSubmit')} onSubmit={submit} pending={command.pending} error={command.error}>
      <TextArea label={t('fields.adviceSummary')} name="summary" required value={summary} onChange={(e) => setSummary(e.target.value)} error={command.error} hint={t('hints.sealed')} maxLength={10000} />
      <CheckboxGroup legend={t('fields.riskFlags')} name="riskFlags" options={categoryOptions(language)} value={riskFlags} onChange={setRiskFlags} error={command.error} />
      <TextArea label={t('fields.recommendedMeasures')} name="recommendedMeasures" value={measures} onChange={(e) => setMeasures(e.target.value)} error={command.error} hint={t('hints.onePerLine')} rows={3} />
      <TextArea label={t('fields.referencesToRules')} name="referencesToRules" value={rules} onChange={(e) => setRules(e.target.value)} error={command.error} hint={t('hints.onePerLine')} rows={3} />
    </CommandCard>
  );
}

function ScheduleFollowUp({ item }: { item: ConsultationItem }) {
  const { t } = useTranslation('clinic');
  const command = useConsultationCommand<Record<string, unknown>>(item, 'schedule-follow-up');
  const [dueAt, setDueAt] = useState('');
  const [what, setWhat] = useState('');
  const submit = () =>
    command.submit(
      [
        ['dueAt', !dueAt ? t('validation.required') : bangkokToInstant(dueAt) ? '' : t('validation.dateTime')],
        ['what', what.trim() ? '' : t('validation.required')],
      ],
      () => ({ dueAt: bangkokToInstant(dueAt), what: what.trim() }),
    );
  return (
    <CommandCard title={item.followUpOpen ? t('consultations.cmd.rescheduleFollowUp') : t('consultations.cmd.followUp')} submit={t('consultations.cmd.followUpSubmit')} onSubmit={submit} pending={command.pending} error={command.error}>
      <TextField label={t('fields.followUpDueInput')} name="dueAt" type="datetime-local" required value={dueAt} onChange={(e) => setDueAt(e.target.value)} error={command.error} />
      <TextField label={t('fields.followUpWhat')} name="what" required value={what} onChange={(e) => setWhat(e.target.value)} error={command.error} maxLength={500} hint={t('hints.nonPersonal')} />
    </CommandCard>
  );
}

function CompleteFollowUp({ item }: { item: ConsultationItem }) {
  const { t } = useTranslation('clinic');
  const command = useConsultationCommand<Record<string, unknown>>(item, 'complete-follow-up');
  const [result, setResult] = useState('');
  const [completedAt, setCompletedAt] = useState('');
  const [note, setNote] = useState('');
  const submit = () =>
    command.submit(
      [
        ['result', result ? '' : t('validation.required')],
        ['completedAt', pastInstantProblem(t, completedAt, false)],
      ],
      () => ({ result, ...(completedAt && { completedAt: bangkokToInstant(completedAt) }), ...(note.trim() && { note: note.trim() }) }),
    );
  return (
    <CommandCard title={t('consultations.cmd.completeFollowUp')} submit={t('consultations.cmd.completeFollowUpSubmit')} onSubmit={submit} pending={command.pending} error={command.error}>
      <SelectField label={t('fields.followUpResult')} name="result" required value={result} onChange={(e) => setResult(e.target.value)} error={command.error} placeholder={t('filters.choose')} options={FOLLOW_UP_RESULTS.map((value) => ({ value, label: t(`followUpResult.${value}`) }))} />
      <TextField label={t('fields.completedAtInput')} name="completedAt" type="datetime-local" value={completedAt} onChange={(e) => setCompletedAt(e.target.value)} error={command.error} hint={t('hints.defaultNow')} />
      <TextArea label={t('fields.followUpNote')} name="note" value={note} onChange={(e) => setNote(e.target.value)} error={command.error} hint={t('hints.sealed')} rows={3} />
    </CommandCard>
  );
}

/** Opens a tip from what the requester described (POST /consultations/{id}/escalate). */
function Escalate({ item }: { item: ConsultationItem }) {
  const { t } = useTranslation('clinic');
  const command = useConsultationCommand<Record<string, unknown>>(item, 'escalate', (result) => t('consultations.escalated', { number: result.openedNo ?? '' }));
  const [reason, setReason] = useState('');
  const [narrative, setNarrative] = useState('');
  const submit = () =>
    command.submit(
      [
        ['reason', reason.trim() ? '' : t('validation.required')],
        ['narrative', narrative.trim() ? '' : t('validation.required')],
      ],
      () => ({ reason: reason.trim(), narrative: narrative.trim() }),
    );
  return (
    <CommandCard
      title={t('consultations.cmd.escalate')}
      intro={t('consultations.cmd.escalateIntro')}
      submit={t('consultations.cmd.escalateSubmit')}
      onSubmit={submit}
      pending={command.pending}
      error={command.error}
      danger
    >
      <TextField label={t('fields.escalateReason')} name="reason" required value={reason} onChange={(e) => setReason(e.target.value)} error={command.error} maxLength={500} hint={t('hints.nonPersonal')} />
      <TextArea label={t('fields.narrative')} name="narrative" required value={narrative} onChange={(e) => setNarrative(e.target.value)} error={command.error} hint={t('hints.sealed')} maxLength={20000} />
    </CommandCard>
  );
}
