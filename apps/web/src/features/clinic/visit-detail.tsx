import { useState, useSyncExternalStore } from 'react';
import { Link, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { AGENCY_CLAIMED_STATUSES, CHECKLIST_RESULTS, SEVERITIES, VERIFICATION_STATUSES, VISIT_ALLOWED_COMMANDS, type VisitPhase } from '#domain';
import { Table } from '../../shared/lists.js';
import { SelectField, TextArea, TextField, categoryOptions, useFormat } from '../../shared/ui.js';
import { useUser } from '../../staff/auth.js';
import { CheckboxGroup, CommandCard, StatusBadge, bangkokNow, bangkokToInstant, isUuid, lines, pastInstantProblem, userIdsProblem } from './kit.js';
import { CancelCommand, CommandsSection, FactsCard, PlainCommand, RegisterDetail, useRegisterCommand, useRegisterItem } from './frames.js';
import { visitTone, type RecommendationItem, type VisitItem } from './visits.js';

type Command = (typeof VISIT_ALLOWED_COMMANDS)[VisitPhase][number];

/**
 * Findings noted in this browser tab (the server assigns their ids; the visit's read model lists only counts,
 * so a finding not yet answered by a recommendation is known here only if it was noted here).
 * Ids and codes only: the description never stays in memory.
 */
interface NotedFinding {
  findingId: string;
  riskArea: string;
  severity: string;
}
const notedFindings = new Map<string, NotedFinding[]>();
const findingListeners = new Set<() => void>();
const NONE: NotedFinding[] = [];

function addNotedFinding(visitId: string, finding: NotedFinding): void {
  notedFindings.set(visitId, [...(notedFindings.get(visitId) ?? []), finding]);
  findingListeners.forEach((listener) => listener());
}

function useNotedFindings(visitId: string): NotedFinding[] {
  return useSyncExternalStore(
    (listener) => {
      findingListeners.add(listener);
      return () => findingListeners.delete(listener);
    },
    () => notedFindings.get(visitId) ?? NONE,
  );
}

function useVisitCommand<Body>(item: VisitItem, command: string) {
  return useRegisterCommand<Body>('visits', item, command);
}

function recommendationLabel(t: (key: string, options?: Record<string, unknown>) => string, item: VisitItem, recommendation: RecommendationItem): string {
  return t('visits.recommendationN', { n: item.recommendations.indexOf(recommendation) + 1 });
}

export function VisitDetail() {
  const { id = '' } = useParams();
  const { t } = useTranslation('clinic');
  const { date, dateTime, province, category, number } = useFormat();
  const detail = useRegisterItem<VisitItem>('visits', id);
  return (
    <RegisterDetail title={t('visits.detailTitle')} backLabel={t('visits.backToList')} createdLabel={t('visits.created')} register="visits" detail={detail}>
      {(item) => {
        const allowed: readonly Command[] = VISIT_ALLOWED_COMMANDS[item.status as VisitPhase] ?? [];
        const unverified = item.recommendations.filter((r) => r.status === 'issued' || r.status === 'sent' || r.status === 'responded' || r.status === 'partially' || r.status === 'not_implemented');
        return (
          <>
            <FactsCard register="visits" item={item} note={t('visits.sealedNote')} status={<StatusBadge label={t(`visitStatus.${item.status}`)} tone={visitTone(item.status)} />}>
              <dt>{t('fields.agencyId')}</dt>
              <dd>{item.agencyId ?? t('common:state.none')}</dd>
              <dt>{t('fields.province')}</dt>
              <dd>{province(item.provinceCode) || t('common:state.none')}</dd>
              <dt>{t('fields.fiscalYear')}</dt>
              <dd>{item.fiscalYearBE ?? t('common:state.none')}</dd>
              <dt>{t('fields.budgetTHB')}</dt>
              <dd>{item.budgetTHB !== null ? number(item.budgetTHB, 2) : t('common:state.none')}</dd>
              <dt>{t('fields.plannedFor')}</dt>
              <dd>{date(item.plannedFor)}</dd>
              <dt>{t('fields.checklistTemplateId')}</dt>
              <dd>{item.checklistTemplateId ?? t('common:state.none')}</dd>
              <dt>{t('fields.team')}</dt>
              <dd>{t('detail.people', { count: item.teamUserIds.length })}</dd>
              <dt>{t('fields.conductedAt')}</dt>
              <dd>{dateTime(item.conductedAt) || t('common:state.none')}</dd>
              <dt>{t('fields.checklist')}</dt>
              <dd>{t('visits.checklistCounts', { ok: item.checklist.ok, issue: item.checklist.issue, na: item.checklist.n_a })}</dd>
              <dt>{t('fields.findingCount')}</dt>
              <dd>
                {number(item.findingCount)}
                {item.findingCount > 0
                  ? ` (${SEVERITIES.filter((s) => item.findingsBySeverity[s])
                      .map((s) => `${t(`severity.${s}`)} ${item.findingsBySeverity[s]}`)
                      .join(', ')})`
                  : ''}
              </dd>
              <dt>{t('fields.riskAreas')}</dt>
              <dd>{item.riskAreas.length > 0 ? item.riskAreas.map((code) => category(code)).join(', ') : t('common:state.none')}</dd>
              <dt>{t('fields.openRecommendations')}</dt>
              <dd>
                {number(item.openRecommendations)} {item.overdueRecommendations > 0 ? <StatusBadge label={t('visits.overdueCount', { count: item.overdueRecommendations })} tone="danger" /> : null}
              </dd>
              {item.escalatedCaseId ? (
                <>
                  <dt>{t('fields.escalatedCase')}</dt>
                  <dd>
                    <Link to={`/cases/${item.escalatedCaseId}`}>{t('visits.openCase')}</Link>
                  </dd>
                </>
              ) : null}
            </FactsCard>
            <section className="card" aria-labelledby="visit-recommendations">
              <h2 id="visit-recommendations">{t('visits.recommendations')}</h2>
              {item.recommendations.length === 0 ? (
                <p className="muted">{t('visits.noRecommendations')}</p>
              ) : (
                <Table
                  columns={
                    <>
                      <th scope="col">{t('fields.recommendation')}</th>
                      <th scope="col">{t('fields.issuedAt')}</th>
                      <th scope="col">{t('fields.dueAt')}</th>
                      <th scope="col">{t('fields.status')}</th>
                      <th scope="col">{t('fields.claimedStatus')}</th>
                      <th scope="col">{t('fields.respondedAt')}</th>
                      <th scope="col">{t('fields.verifiedAt')}</th>
                    </>
                  }
                >
                  {item.recommendations.map((recommendation) => (
                    <tr key={recommendation.recommendationId}>
                      <td>{recommendationLabel(t, item, recommendation)}</td>
                      <td>{date(recommendation.issuedAt)}</td>
                      <td>
                        {date(recommendation.dueAt)} {recommendation.overdue ? <StatusBadge label={t('state.overdue')} tone="danger" /> : null}
                      </td>
                      <td>
                        <StatusBadge label={t(`recommendationStatus.${recommendation.status}`)} tone={recommendation.status === 'verified_implemented' ? 'ok' : recommendation.status === 'not_implemented' ? 'danger' : 'warn'} />
                      </td>
                      <td>{recommendation.claimedStatus ? t(`claimedStatus.${recommendation.claimedStatus}`) : t('common:state.none')}</td>
                      <td>{date(recommendation.respondedAt) || t('common:state.none')}</td>
                      <td>{date(recommendation.verifiedAt) || t('common:state.none')}</td>
                    </tr>
                  ))}
                </Table>
              )}
            </section>
            <CommandsSection register="visits" none={allowed.length === 0}>
              {allowed.includes('RecordVisitConducted') ? <RecordConducted item={item} /> : null}
              {allowed.includes('NoteFinding') ? <NoteFinding item={item} /> : null}
              {allowed.includes('IssueRecommendation') ? <IssueRecommendation item={item} /> : null}
              {allowed.includes('SendRecommendations') ? <SendRecommendations item={item} /> : null}
              {allowed.includes('RecordAgencyResponse') && item.recommendations.length > 0 ? <AgencyResponse item={item} /> : null}
              {allowed.includes('VerifyRecommendation') && item.recommendations.length > 0 ? <Verify item={item} candidates={unverified.length > 0 ? unverified : item.recommendations} /> : null}
              {allowed.includes('CloseVisit') ? <PlainCommand register="visits" item={item} command="close" title={t('visits.cmd.close')} intro={t('visits.cmd.closeIntro')} submit={t('visits.cmd.closeSubmit')} /> : null}
              {allowed.includes('EscalateVisitToCase') ? <PlainCommand register="visits" item={item} command="escalate" title={t('visits.cmd.escalate')} intro={t('visits.cmd.escalateIntro')} submit={t('visits.cmd.escalateSubmit')} danger message={(result) => t('visits.escalated', { number: result.openedNo ?? '' })} /> : null}
              {allowed.includes('CancelVisit') ? <CancelCommand register="visits" item={item} title={t('visits.cmd.cancel')} submit={t('visits.cmd.cancelSubmit')} /> : null}
            </CommandsSection>
          </>
        );
      }}
    </RegisterDetail>
  );
}

interface ChecklistRow {
  key: number;
  itemCode: string;
  result: string;
  note: string;
}

function RecordConducted({ item }: { item: VisitItem }) {
  const { t } = useTranslation('clinic');
  const me = useUser();
  const command = useVisitCommand<Record<string, unknown>>(item, 'record-conducted');
  const [conductedAt, setConductedAt] = useState(bangkokNow());
  const [team, setTeam] = useState((item.teamUserIds.length > 0 ? item.teamUserIds : [me.userId]).join('\n'));
  const [rows, setRows] = useState<ChecklistRow[]>([{ key: 1, itemCode: '', result: '', note: '' }]);
  const update = (key: number, patch: Partial<ChecklistRow>) => setRows((current) => current.map((row) => (row.key === key ? { ...row, ...patch } : row)));
  const submit = () => {
    const teamIds = lines(team);
    const codes = rows.map((row) => row.itemCode.trim());
    const problems: [string, string][] = [
      ['conductedAt', pastInstantProblem(t, conductedAt, true)],
      ['teamUserIds', userIdsProblem(t, team)],
    ];
    rows.forEach((row, index) => {
      const code = row.itemCode.trim();
      problems.push([`checklistResults.${index}.itemCode`, !code ? t('validation.required') : !/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/.test(code) ? t('validation.code') : codes.indexOf(code) !== index ? t('validation.duplicate') : '']);
      problems.push([`checklistResults.${index}.result`, row.result ? '' : t('validation.required')]);
    });
    command.submit(problems, () => ({
      conductedAt: bangkokToInstant(conductedAt),
      teamUserIds: teamIds,
      checklistResults: rows.map((row) => ({ itemCode: row.itemCode.trim(), result: row.result, ...(row.note.trim() && { note: row.note.trim() }) })),
    }));
  };
  return (
    <CommandCard title={t('visits.cmd.conducted')} submit={t('visits.cmd.conductedSubmit')} onSubmit={submit} pending={command.pending} error={command.error}>
      <TextField label={t('fields.conductedAtInput')} name="conductedAt" type="datetime-local" required value={conductedAt} onChange={(e) => setConductedAt(e.target.value)} error={command.error} />
      <TextArea label={t('fields.teamIds')} name="teamUserIds" required value={team} onChange={(e) => setTeam(e.target.value)} error={command.error} hint={t('hints.userIds', { id: me.userId })} rows={2} />
      <fieldset>
        <legend>{t('fields.checklistResults')}</legend>
        {rows.map((row, index) => (
          <div className="checklist-row" key={row.key}>
            <TextField label={t('visits.itemCode', { n: index + 1 })} name={`checklistResults.${index}.itemCode`} required value={row.itemCode} onChange={(e) => update(row.key, { itemCode: e.target.value })} error={command.error} autoComplete="off" />
            <SelectField label={t('visits.itemResult', { n: index + 1 })} name={`checklistResults.${index}.result`} required value={row.result} onChange={(e) => update(row.key, { result: e.target.value })} error={command.error} placeholder={t('filters.choose')} options={CHECKLIST_RESULTS.map((value) => ({ value, label: t(`checklistResult.${value}`) }))} />
            <TextField label={t('visits.itemNote', { n: index + 1 })} name={`checklistResults.${index}.note`} value={row.note} onChange={(e) => update(row.key, { note: e.target.value })} error={command.error} />
            {rows.length > 1 ? (
              <button type="button" className="secondary" onClick={() => setRows((current) => current.filter((other) => other.key !== row.key))}>
                {t('visits.removeItem', { n: index + 1 })}
              </button>
            ) : null}
          </div>
        ))}
        <button type="button" className="secondary" onClick={() => setRows((current) => [...current, { key: Math.max(...current.map((r) => r.key)) + 1, itemCode: '', result: '', note: '' }])}>
          {t('visits.addItem')}
        </button>
      </fieldset>
    </CommandCard>
  );
}

function NoteFinding({ item }: { item: VisitItem }) {
  const { t } = useTranslation('clinic');
  const { language } = useFormat();
  const command = useVisitCommand<Record<string, unknown>>(item, 'note-finding');
  const [riskArea, setRiskArea] = useState('');
  const [severity, setSeverity] = useState('');
  const [description, setDescription] = useState('');
  const submit = () =>
    command.submit(
      [
        ['riskArea', riskArea ? '' : t('validation.required')],
        ['severity', severity ? '' : t('validation.required')],
        ['description', description.trim() ? '' : t('validation.required')],
      ],
      () => ({ riskArea, severity, description: description.trim() }),
      (result) => {
        const findingId = result.assigned?.findingId;
        if (findingId) addNotedFinding(item.id, { findingId, riskArea, severity });
        setRiskArea('');
        setSeverity('');
        setDescription('');
      },
    );
  return (
    <CommandCard title={t('visits.cmd.finding')} submit={t('visits.cmd.findingSubmit')} onSubmit={submit} pending={command.pending} error={command.error}>
      <SelectField label={t('fields.riskArea')} name="riskArea" required value={riskArea} onChange={(e) => setRiskArea(e.target.value)} error={command.error} placeholder={t('filters.choose')} options={categoryOptions(language)} />
      <SelectField label={t('fields.severity')} name="severity" required value={severity} onChange={(e) => setSeverity(e.target.value)} error={command.error} placeholder={t('filters.choose')} options={SEVERITIES.map((value) => ({ value, label: t(`severity.${value}`) }))} />
      <TextArea label={t('fields.findingDescription')} name="description" required value={description} onChange={(e) => setDescription(e.target.value)} error={command.error} hint={t('hints.sealed')} maxLength={10000} />
    </CommandCard>
  );
}

function IssueRecommendation({ item }: { item: VisitItem }) {
  const { t } = useTranslation('clinic');
  const { category } = useFormat();
  const command = useVisitCommand<Record<string, unknown>>(item, 'issue-recommendation');
  const noted = useNotedFindings(item.id);
  const answeredIds = new Set(item.recommendations.flatMap((r) => r.findingIds));
  const answered = [...answeredIds].filter((findingId) => !noted.some((n) => n.findingId === findingId));
  const options = [
    ...noted.map((finding, index) => ({ value: finding.findingId, label: t('visits.findingNoted', { n: index + 1, area: category(finding.riskArea), severity: t(`severity.${finding.severity}`) }) })),
    ...answered.map((findingId) => ({ value: findingId, label: t('visits.findingAnswered', { id: findingId.slice(0, 8) }) })),
  ];
  // Until the user picks, the findings noted here that no recommendation answers yet are ticked.
  const [picked, setPicked] = useState<string[] | null>(null);
  const findingIds = picked ?? noted.map((finding) => finding.findingId).filter((findingId) => !answeredIds.has(findingId));
  const [otherIds, setOtherIds] = useState('');
  const [text, setText] = useState('');
  const [dueAt, setDueAt] = useState('');
  const submit = () => {
    const others = lines(otherIds);
    const all = [...new Set([...findingIds, ...others])];
    command.submit(
      [
        ['findingIds', all.length === 0 ? t('validation.pickOne') : others.every(isUuid) ? '' : t('validation.findingIds')],
        ['text', text.trim() ? '' : t('validation.required')],
        ['dueAt', !dueAt ? t('validation.required') : bangkokToInstant(dueAt) ? '' : t('validation.dateTime')],
      ],
      () => ({ findingIds: all, text: text.trim(), dueAt: bangkokToInstant(dueAt) }),
      () => {
        setText('');
        setDueAt('');
        setOtherIds('');
        setPicked(null);
      },
    );
  };
  return (
    <CommandCard title={t('visits.cmd.recommend')} intro={t('visits.cmd.recommendIntro')} submit={t('visits.cmd.recommendSubmit')} onSubmit={submit} pending={command.pending} error={command.error}>
      {options.length > 0 ? <CheckboxGroup legend={t('fields.findings')} name="findingIds" options={options} value={findingIds} onChange={setPicked} error={command.error} /> : <p className="muted small">{t('visits.noKnownFindings')}</p>}
      <TextArea label={t('fields.otherFindingIds')} name="findingIds" value={otherIds} onChange={(e) => setOtherIds(e.target.value)} error={options.length > 0 ? undefined : command.error} hint={t('hints.onePerLine')} rows={2} />
      <TextArea label={t('fields.recommendationText')} name="text" required value={text} onChange={(e) => setText(e.target.value)} error={command.error} hint={t('hints.recommendationText')} maxLength={10000} />
      <TextField label={t('fields.dueAtInput')} name="dueAt" type="datetime-local" required value={dueAt} onChange={(e) => setDueAt(e.target.value)} error={command.error} />
    </CommandCard>
  );
}

function SendRecommendations({ item }: { item: VisitItem }) {
  const { t } = useTranslation('clinic');
  const command = useVisitCommand<Record<string, unknown>>(item, 'send-recommendations');
  const [sentAt, setSentAt] = useState('');
  const submit = () => command.submit([['sentAt', pastInstantProblem(t, sentAt, false)]], () => (sentAt ? { sentAt: bangkokToInstant(sentAt) } : {}));
  return (
    <CommandCard title={t('visits.cmd.send')} intro={t('visits.cmd.sendIntro', { count: item.recommendations.length })} submit={t('visits.cmd.sendSubmit')} onSubmit={submit} pending={command.pending} error={command.error}>
      <TextField label={t('fields.sentAtInput')} name="sentAt" type="datetime-local" value={sentAt} onChange={(e) => setSentAt(e.target.value)} error={command.error} hint={t('hints.defaultNow')} />
    </CommandCard>
  );
}

function AgencyResponse({ item }: { item: VisitItem }) {
  const { t } = useTranslation('clinic');
  const command = useVisitCommand<Record<string, unknown>>(item, 'record-agency-response');
  const [recommendationId, setRecommendationId] = useState(item.recommendations.find((r) => r.status === 'sent')?.recommendationId ?? '');
  const [respondedAt, setRespondedAt] = useState(bangkokNow());
  const [response, setResponse] = useState('');
  const [claimedStatus, setClaimedStatus] = useState('');
  const submit = () =>
    command.submit(
      [
        ['recommendationId', recommendationId ? '' : t('validation.required')],
        ['respondedAt', pastInstantProblem(t, respondedAt, true)],
        ['response', response.trim() ? '' : t('validation.required')],
        ['claimedStatus', claimedStatus ? '' : t('validation.required')],
      ],
      () => ({ recommendationId, respondedAt: bangkokToInstant(respondedAt), response: response.trim(), claimedStatus }),
      () => {
        setResponse('');
        setClaimedStatus('');
      },
    );
  return (
    <CommandCard title={t('visits.cmd.response')} submit={t('visits.cmd.responseSubmit')} onSubmit={submit} pending={command.pending} error={command.error}>
      <SelectField label={t('fields.recommendation')} name="recommendationId" required value={recommendationId} onChange={(e) => setRecommendationId(e.target.value)} error={command.error} placeholder={t('filters.choose')} options={item.recommendations.map((r) => ({ value: r.recommendationId, label: `${recommendationLabel(t, item, r)} · ${t(`recommendationStatus.${r.status}`)}` }))} />
      <TextField label={t('fields.respondedAtInput')} name="respondedAt" type="datetime-local" required value={respondedAt} onChange={(e) => setRespondedAt(e.target.value)} error={command.error} />
      <SelectField label={t('fields.claimedStatus')} name="claimedStatus" required value={claimedStatus} onChange={(e) => setClaimedStatus(e.target.value)} error={command.error} placeholder={t('filters.choose')} options={AGENCY_CLAIMED_STATUSES.map((value) => ({ value, label: t(`claimedStatus.${value}`) }))} />
      <TextArea label={t('fields.agencyResponse')} name="response" required value={response} onChange={(e) => setResponse(e.target.value)} error={command.error} hint={t('hints.sealed')} maxLength={10000} />
    </CommandCard>
  );
}

function Verify({ item, candidates }: { item: VisitItem; candidates: RecommendationItem[] }) {
  const { t } = useTranslation('clinic');
  const command = useVisitCommand<Record<string, unknown>>(item, 'verify-recommendation');
  const [recommendationId, setRecommendationId] = useState(candidates[0]?.recommendationId ?? '');
  const [status, setStatus] = useState('');
  const [verifiedAt, setVerifiedAt] = useState('');
  const submit = () =>
    command.submit(
      [
        ['recommendationId', recommendationId ? '' : t('validation.required')],
        ['status', status ? '' : t('validation.required')],
        ['verifiedAt', pastInstantProblem(t, verifiedAt, false)],
      ],
      () => ({ recommendationId, status, ...(verifiedAt && { verifiedAt: bangkokToInstant(verifiedAt) }) }),
      () => setStatus(''),
    );
  return (
    <CommandCard title={t('visits.cmd.verify')} submit={t('visits.cmd.verifySubmit')} onSubmit={submit} pending={command.pending} error={command.error}>
      <SelectField label={t('fields.recommendation')} name="recommendationId" required value={recommendationId} onChange={(e) => setRecommendationId(e.target.value)} error={command.error} placeholder={t('filters.choose')} options={item.recommendations.map((r) => ({ value: r.recommendationId, label: `${recommendationLabel(t, item, r)} · ${t(`recommendationStatus.${r.status}`)}` }))} />
      <SelectField label={t('fields.verification')} name="status" required value={status} onChange={(e) => setStatus(e.target.value)} error={command.error} placeholder={t('filters.choose')} options={VERIFICATION_STATUSES.map((value) => ({ value, label: t(`verification.${value}`) }))} />
      <TextField label={t('fields.verifiedAtInput')} name="verifiedAt" type="datetime-local" value={verifiedAt} onChange={(e) => setVerifiedAt(e.target.value)} error={command.error} hint={t('hints.defaultNow')} />
    </CommandCard>
  );
}
