import { useState } from 'react';
import { useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { ACTIVITY_ALLOWED_COMMANDS, ASSESSMENT_INSTRUMENTS, PARTICIPANT_TYPES, type ActivityPhase } from '#domain';
import { Table } from '../../shared/lists.js';
import { SelectField, TextArea, TextField, useFormat } from '../../shared/ui.js';
import { useUser } from '../../staff/auth.js';
import { CommandCard, StatusBadge, bangkokNow, bangkokToInstant, isOpaqueId, lines, pastInstantProblem, userIdsProblem } from './kit.js';
import { CancelCommand, CommandsSection, FactsCard, PlainCommand, RegisterDetail, useRegisterCommand, useRegisterItem } from './frames.js';
import { activityTone, type ActivityItem } from './activities.js';

type Command = (typeof ACTIVITY_ALLOWED_COMMANDS)[ActivityPhase][number];

function useActivityCommand<Body>(item: ActivityItem, command: string) {
  return useRegisterCommand<Body>('activities', item, command);
}

const isCount = (value: string, min = 0) => /^\d+$/.test(value.trim()) && Number(value) >= min && Number(value) <= 5000;
const isScore = (value: string, min = 0) => value.trim() !== '' && Number.isFinite(Number(value)) && Number(value) >= min && Number(value) <= 1000;

export function ActivityDetail() {
  const { id = '' } = useParams();
  const { t } = useTranslation('clinic');
  const { date, dateTime, province, number } = useFormat();
  const detail = useRegisterItem<ActivityItem>('activities', id);
  return (
    <RegisterDetail title={t('activities.detailTitle')} backLabel={t('activities.backToList')} createdLabel={t('activities.created')} register="activities" detail={detail}>
      {(item) => {
        const allowed: readonly Command[] = ACTIVITY_ALLOWED_COMMANDS[item.status as ActivityPhase] ?? [];
        return (
          <>
            <FactsCard register="activities" item={item} status={<StatusBadge label={t(`activityStatus.${item.status}`)} tone={activityTone(item.status)} />}>
              <dt>{t('fields.kind')}</dt>
              <dd>{item.kind ? t(`activityKind.${item.kind}`) : t('common:state.none')}</dd>
              <dt>{t('fields.province')}</dt>
              <dd>{province(item.provinceCode) || t('common:state.none')}</dd>
              <dt>{t('fields.fiscalYear')}</dt>
              <dd>{item.fiscalYearBE ?? t('common:state.none')}</dd>
              <dt>{t('fields.plannedFor')}</dt>
              <dd>{date(item.plannedFor)}</dd>
              <dt>{t('fields.targetAudience')}</dt>
              <dd>{item.targetAudience.map((code) => t(`participant.${code}`)).join(', ')}</dd>
              <dt>{t('fields.heldAt')}</dt>
              <dd>{dateTime(item.heldAt) || t('common:state.none')}</dd>
              <dt>{t('fields.facilitators')}</dt>
              <dd>{t('detail.people', { count: item.facilitatorUserIds.length })}</dd>
              <dt>{t('fields.agencyCount')}</dt>
              <dd>{item.agencyCount !== null ? number(item.agencyCount) : t('common:state.none')}</dd>
              <dt>{t('fields.awarenessGain')}</dt>
              <dd>{item.awarenessGain !== null ? number(item.awarenessGain, 2) : t('common:state.none')}</dd>
            </FactsCard>
            <div className="grid">
              <section className="card" aria-labelledby="activity-attendance">
                <h2 id="activity-attendance">{t('activities.attendance')}</h2>
                {item.attendanceTotal === null ? (
                  <p className="muted">{t('activities.noAttendance')}</p>
                ) : (
                  <Table
                    columns={
                      <>
                        <th scope="col">{t('fields.participantType')}</th>
                        <th scope="col" className="num">{t('fields.headCount')}</th>
                      </>
                    }
                  >
                    {PARTICIPANT_TYPES.map((type) => (
                      <tr key={type}>
                        <td>{t(`participant.${type}`)}</td>
                        <td className="num">{number(item.attendanceByParticipantType?.[type] ?? 0)}</td>
                      </tr>
                    ))}
                    <tr>
                      <th scope="row">{t('fields.attendanceTotal')}</th>
                      <td className="num">{number(item.attendanceTotal)}</td>
                    </tr>
                  </Table>
                )}
              </section>
              <section className="card" aria-labelledby="activity-assessments">
                <h2 id="activity-assessments">{t('activities.assessments')}</h2>
                {Object.keys(item.assessments).length === 0 ? (
                  <p className="muted">{t('activities.noAssessments')}</p>
                ) : (
                  <Table
                    columns={
                      <>
                        <th scope="col">{t('fields.instrument')}</th>
                        <th scope="col" className="num">{t('fields.respondents')}</th>
                        <th scope="col" className="num">{t('fields.mean')}</th>
                        <th scope="col" className="num">{t('fields.sd')}</th>
                        <th scope="col" className="num">{t('fields.maxScore')}</th>
                      </>
                    }
                  >
                    {ASSESSMENT_INSTRUMENTS.filter((instrument) => item.assessments[instrument]).map((instrument) => {
                      const summary = item.assessments[instrument]!;
                      return (
                        <tr key={instrument}>
                          <td>{t(`instrument.${instrument}`)}</td>
                          <td className="num">{number(summary.n)}</td>
                          <td className="num">{number(summary.mean, 2)}</td>
                          <td className="num">{summary.sd !== null ? number(summary.sd, 2) : t('common:state.none')}</td>
                          <td className="num">{number(summary.maxScore, 2)}</td>
                        </tr>
                      );
                    })}
                  </Table>
                )}
              </section>
            </div>
            <CommandsSection register="activities" none={allowed.length === 0}>
              {allowed.includes('RecordActivityHeld') ? <RecordHeld item={item} /> : null}
              {allowed.includes('RecordAttendance') ? <RecordAttendance item={item} /> : null}
              {allowed.includes('RecordAssessment') ? <RecordAssessment item={item} /> : null}
              {allowed.includes('CloseActivity') ? <PlainCommand register="activities" item={item} command="close" title={t('activities.cmd.close')} intro={item.attendanceTotal === null ? t('activities.cmd.closeNeedsAttendance') : t('activities.cmd.closeIntro')} submit={t('activities.cmd.closeSubmit')} /> : null}
              {allowed.includes('CancelActivity') ? <CancelCommand register="activities" item={item} title={t('activities.cmd.cancel')} submit={t('activities.cmd.cancelSubmit')} /> : null}
            </CommandsSection>
          </>
        );
      }}
    </RegisterDetail>
  );
}

function RecordHeld({ item }: { item: ActivityItem }) {
  const { t } = useTranslation('clinic');
  const me = useUser();
  const command = useActivityCommand<Record<string, unknown>>(item, 'record-held');
  const [heldAt, setHeldAt] = useState(bangkokNow());
  const [venue, setVenue] = useState('');
  const [facilitators, setFacilitators] = useState(me.userId);
  const submit = () => {
    command.submit(
      [
        ['heldAt', pastInstantProblem(t, heldAt, true)],
        ['venue', venue.trim() ? '' : t('validation.required')],
        ['facilitatorUserIds', userIdsProblem(t, facilitators)],
      ],
      () => ({ heldAt: bangkokToInstant(heldAt), venue: venue.trim(), facilitatorUserIds: lines(facilitators) }),
    );
  };
  return (
    <CommandCard title={t('activities.cmd.held')} submit={t('activities.cmd.heldSubmit')} onSubmit={submit} pending={command.pending} error={command.error}>
      <TextField label={t('fields.heldAtInput')} name="heldAt" type="datetime-local" required value={heldAt} onChange={(e) => setHeldAt(e.target.value)} error={command.error} />
      <TextField label={t('fields.venue')} name="venue" required value={venue} onChange={(e) => setVenue(e.target.value)} error={command.error} maxLength={500} />
      <TextArea label={t('fields.facilitatorIds')} name="facilitatorUserIds" required value={facilitators} onChange={(e) => setFacilitators(e.target.value)} error={command.error} hint={t('hints.userIds', { id: me.userId })} rows={2} />
    </CommandCard>
  );
}

function RecordAttendance({ item }: { item: ActivityItem }) {
  const { t } = useTranslation('clinic');
  const command = useActivityCommand<Record<string, unknown>>(item, 'record-attendance');
  const initial = (type: string) => String(item.attendanceByParticipantType?.[type] ?? '');
  const [total, setTotal] = useState(item.attendanceTotal !== null ? String(item.attendanceTotal) : '');
  const [counts, setCounts] = useState<Record<string, string>>(Object.fromEntries(PARTICIPANT_TYPES.map((type) => [type, initial(type)])));
  const [agencies, setAgencies] = useState('');
  const submit = () => {
    const agencyIds = lines(agencies);
    const byType = Object.fromEntries(PARTICIPANT_TYPES.map((type) => [type, Number(counts[type] || 0)]));
    const sum = Object.values(byType).reduce((a, b) => a + b, 0);
    const problems: [string, string][] = [['total', !isCount(total) ? t('validation.count') : sum > Number(total) ? t('validation.countsAboveTotal') : '']];
    for (const type of PARTICIPANT_TYPES) problems.push([`byParticipantType.${type}`, (counts[type] ?? '') === '' || isCount(counts[type] ?? '') ? '' : t('validation.count')]);
    problems.push(['agencyIds', agencyIds.every(isOpaqueId) ? '' : t('validation.code')]);
    command.submit(problems, () => ({ total: Number(total), byParticipantType: byType, ...(agencyIds.length > 0 && { agencyIds }) }));
  };
  return (
    <CommandCard title={item.attendanceTotal === null ? t('activities.cmd.attendance') : t('activities.cmd.correctAttendance')} submit={t('activities.cmd.attendanceSubmit')} onSubmit={submit} pending={command.pending} error={command.error}>
      <TextField label={t('fields.attendanceTotal')} name="total" type="number" inputMode="numeric" min={0} max={5000} required value={total} onChange={(e) => setTotal(e.target.value)} error={command.error} />
      <fieldset>
        <legend>{t('fields.byParticipantType')}</legend>
        <div className="row">
          {PARTICIPANT_TYPES.map((type) => (
            <TextField key={type} label={t(`participant.${type}`)} name={`byParticipantType.${type}`} type="number" inputMode="numeric" min={0} max={5000} value={counts[type] ?? ''} onChange={(e) => setCounts((current) => ({ ...current, [type]: e.target.value }))} error={command.error} />
          ))}
        </div>
      </fieldset>
      <TextArea label={t('fields.agencyIds')} name="agencyIds" value={agencies} onChange={(e) => setAgencies(e.target.value)} error={command.error} hint={t('hints.onePerLine')} rows={2} />
    </CommandCard>
  );
}

function RecordAssessment({ item }: { item: ActivityItem }) {
  const { t } = useTranslation('clinic');
  const command = useActivityCommand<Record<string, unknown>>(item, 'record-assessment');
  const [instrument, setInstrument] = useState('');
  const [n, setN] = useState('');
  const [mean, setMean] = useState('');
  const [sd, setSd] = useState('');
  const [maxScore, setMaxScore] = useState('');
  const submit = () =>
    command.submit(
      [
        ['instrument', instrument ? '' : t('validation.required')],
        ['n', !isCount(n, 1) ? t('validation.respondents') : item.attendanceTotal !== null && Number(n) > item.attendanceTotal ? t('validation.respondentsAboveAttendance', { total: item.attendanceTotal }) : ''],
        ['maxScore', isScore(maxScore, 1) ? '' : t('validation.score')],
        ['mean', !isScore(mean) ? t('validation.score') : isScore(maxScore, 1) && Number(mean) > Number(maxScore) ? t('validation.aboveMax') : ''],
        ['sd', sd.trim() === '' ? '' : !isScore(sd) ? t('validation.score') : isScore(maxScore, 1) && Number(sd) > Number(maxScore) ? t('validation.aboveMax') : ''],
      ],
      () => ({ instrument, n: Number(n), mean: Number(mean), ...(sd.trim() !== '' && { sd: Number(sd) }), maxScore: Number(maxScore) }),
      () => {
        setInstrument('');
        setN('');
        setMean('');
        setSd('');
      },
    );
  return (
    <CommandCard title={t('activities.cmd.assessment')} intro={t('activities.cmd.assessmentIntro')} submit={t('activities.cmd.assessmentSubmit')} onSubmit={submit} pending={command.pending} error={command.error}>
      <SelectField label={t('fields.instrument')} name="instrument" required value={instrument} onChange={(e) => setInstrument(e.target.value)} error={command.error} placeholder={t('filters.choose')} options={ASSESSMENT_INSTRUMENTS.map((value) => ({ value, label: t(`instrument.${value}`) }))} />
      <div className="row">
        <TextField label={t('fields.respondents')} name="n" type="number" inputMode="numeric" min={1} max={5000} required value={n} onChange={(e) => setN(e.target.value)} error={command.error} />
        <TextField label={t('fields.mean')} name="mean" type="number" inputMode="decimal" step="0.01" min={0} required value={mean} onChange={(e) => setMean(e.target.value)} error={command.error} />
        <TextField label={t('fields.sd')} name="sd" type="number" inputMode="decimal" step="0.01" min={0} value={sd} onChange={(e) => setSd(e.target.value)} error={command.error} />
        <TextField label={t('fields.maxScore')} name="maxScore" type="number" inputMode="decimal" step="0.01" min={1} required value={maxScore} onChange={(e) => setMaxScore(e.target.value)} error={command.error} />
      </div>
    </CommandCard>
  );
}
