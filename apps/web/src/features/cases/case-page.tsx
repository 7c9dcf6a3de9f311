import { useState, type ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { DEADLINE_KINDS } from '#domain';
import { ErrorMessage, Loading, Notice, Page, useFormat } from '../../shared/ui.js';
import { useAuth } from '../../staff/auth.js';
import { CaseActions } from './actions.js';
import { DueBadge } from './badges.js';
import { CaseContentView } from './content.js';
import { CaseEvidence } from './evidence.js';
import { caseKeys, useCaseContent, useCaseDetail, useUserLabel } from './hooks.js';
import { CaseTimeline } from './timeline.js';
import type { CaseDetail } from './types.js';

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

function CaseFacts({ detail }: { detail: CaseDetail }) {
  const { t } = useTranslation('cases');
  const format = useFormat();
  const userLabel = useUserLabel();
  const none = t('common:state.none');
  return (
    <section className="card" aria-labelledby="case-facts-title">
      <h2 id="case-facts-title">{t('case.facts')}</h2>
      {detail.mergedInto ? (
        <Notice kind="warning">
          {t('case.mergedInto')} <Link to={`/cases/${detail.mergedInto}`}>{t('case.openMerged')}</Link>
        </Notice>
      ) : null}
      {!detail.classifiedAt ? <Notice>{t('case.notClassified')}</Notice> : null}
      <dl className="facts">
        <Fact label={t('case.caseNo')}>{detail.caseNo}</Fact>
        <Fact label={t('case.phase')}>
          <strong>{format.code('phase', detail.phase)}</strong>
          {detail.phase === 'decision' ? (
            <>
              {' '}
              <span className="badge badge-warn">{t('badge.pendingClosure')}</span>
            </>
          ) : null}
        </Fact>
        <Fact label={t('case.phaseSince')}>{format.dateTime(detail.phaseSince)}</Fact>
        <Fact label={t('case.openedAt')}>{format.dateTime(detail.openedAt)}</Fact>
        <Fact label={t('case.origin')}>{detail.origin ? t(`codes.origin.${detail.origin}`) : none}</Fact>
        <Fact label={t('case.category')}>{detail.primaryCategory ? format.category(detail.primaryCategory) : none}</Fact>
        {detail.secondaryCategories.length > 0 ? <Fact label={t('case.secondaryCategories')}>{detail.secondaryCategories.map((c) => format.category(c)).join(', ')}</Fact> : null}
        <Fact label={t('case.agencyType')}>{detail.agencyType ? format.code('agencyType', detail.agencyType) : none}</Fact>
        {detail.agencyId ? <Fact label={t('case.agencyId')}>{detail.agencyId}</Fact> : null}
        <Fact label={t('case.province')}>{detail.provinceCode ? format.province(detail.provinceCode) : none}</Fact>
        {detail.districtCode ? <Fact label={t('case.district')}>{detail.districtCode}</Fact> : null}
        {detail.allegedAmountTHB !== null ? <Fact label={t('case.amount')}>{format.number(detail.allegedAmountTHB, 2)}</Fact> : null}
        <Fact label={t('case.jurisdiction')}>{detail.jurisdiction ? t(`codes.jurisdiction.${detail.jurisdiction}`) : none}</Fact>
        <Fact label={t('case.accusedRank')}>{detail.accusedRank ? t(`codes.accusedRank.${detail.accusedRank}`) : none}</Fact>
        <Fact label={t('case.priority')}>{detail.priority ? format.code('priority', detail.priority) : none}</Fact>
        {detail.tipIds.length > 0 ? <Fact label={t('case.tips')}>{t('case.tipsCount', { count: detail.tipIds.length })}</Fact> : null}
        {detail.suspendedUntil ? <Fact label={t('case.suspendedUntil')}>{format.dateTime(detail.suspendedUntil)}</Fact> : null}
        <Fact label={t('case.version')}>{detail.version}</Fact>
      </dl>
      {detail.newReporterActivity ? <Notice kind="warning">{t('case.reporterActivity', { count: detail.unansweredReporterMessages })}</Notice> : null}
      {detail.reopenCount > 0 ? <p className="muted">{t('case.reopenCount', { count: detail.reopenCount })}</p> : null}

      <h3>{t('case.assignees')}</h3>
      {detail.assignees.length === 0 ? (
        <p className="muted">{t('case.noAssignees')}</p>
      ) : (
        <ul>
          {detail.assignees.map((a) => (
            <li key={a.userId}>{t('case.assigneeRow', { user: userLabel(a.userId), role: t(`codes.assigneeRole.${a.role}`), unit: a.unitCode, since: format.date(a.since) })}</li>
          ))}
        </ul>
      )}

      <h3>{t('case.deadlines')}</h3>
      {DEADLINE_KINDS.some((kind) => detail.deadlines[kind]) ? (
        <ul>
          {DEADLINE_KINDS.map((kind) => {
            const deadline = detail.deadlines[kind];
            if (!deadline) return null;
            const running = detail.dueKind === kind;
            return (
              <li key={kind}>
                <strong>{t(`codes.deadlineKind.${kind}`)}</strong>: {t('case.deadlineRow', { date: format.dateTime(deadline.dueAt) })}
                {deadline.extensions > 0 ? ` · ${t('case.extensions', { count: deadline.extensions })}` : ''}
                {running ? ` · ${t('case.running')} ` : ` · ${t('case.notRunning')}`}
                {running ? <DueBadge dueAt={deadline.dueAt} overdue={detail.overdue} /> : null}
              </li>
            );
          })}
        </ul>
      ) : (
        <p className="muted">{t('case.noDeadlines')}</p>
      )}

      {detail.pendingClosure ? (
        <>
          <h3>{t('case.pendingClosure')}</h3>
          <p>
            {t('case.pendingClosureLine', {
              disposition: format.code('disposition', detail.pendingClosure.disposition),
              by: userLabel(detail.pendingClosure.proposedBy),
              at: format.dateTime(detail.pendingClosure.proposedAt),
            })}
          </p>
        </>
      ) : null}
      {detail.lastClosure ? (
        <>
          <h3>{t('case.lastClosure')}</h3>
          <p>{t('case.lastClosureLine', { disposition: format.code('disposition', detail.lastClosure.disposition), at: format.dateTime(detail.lastClosure.closedAt) })}</p>
        </>
      ) : null}
      {detail.referrals.length > 0 ? (
        <>
          <h3>{t('case.referrals')}</h3>
          <ul>
            {detail.referrals.map((r) => (
              <li key={r.referralId}>{t('case.referralLine', { target: t(`codes.referralTarget.${r.toAgency}`), type: t(`codes.referralType.${r.referralType}`), at: format.dateTime(r.sentAt) })}</li>
            ))}
          </ul>
        </>
      ) : null}
      <h3>{t('case.counts')}</h3>
      <p>{t('case.countsLine', detail.counts)}</p>
    </section>
  );
}

/** One case: its facts, the actions its phase allows, the timeline, the sealed content (on request) and the evidence. */
export function CasePage() {
  const { id = '' } = useParams();
  const { t } = useTranslation('cases');
  const { hasRole } = useAuth();
  const client = useQueryClient();
  const detail = useCaseDetail(id);
  const [showContent, setShowContent] = useState(false);
  const content = useCaseContent(id, showContent);
  // Only the assigned investigators (or their unit) and the office's supervisors may open the content.
  const mayReadContent = hasRole('investigator', 'supervisor');

  if (detail.isPending) return <Loading />;
  if (detail.error || !detail.data) {
    return (
      <Page title={t('nav.cases', { ns: 'common' })}>
        <ErrorMessage error={detail.error} />
        <Link to="/cases">{t('case.back')}</Link>
      </Page>
    );
  }
  const data = detail.data;
  const shownContent = showContent ? content.data : undefined;
  return (
    <Page title={t('case.title', { caseNo: data.caseNo })} actions={<Link to="/cases">{t('case.back')}</Link>}>
      <CaseFacts detail={data} />
      <CaseActions detail={data} content={shownContent} />
      {mayReadContent ? (
        <section className="card" aria-labelledby="case-content-title">
          <h2 id="case-content-title">{t('content.title')}</h2>
          <p className="muted small">{t('content.warning')}</p>
          {showContent ? (
            <>
              <button
                type="button"
                className="secondary"
                onClick={() => {
                  setShowContent(false);
                  client.removeQueries({ queryKey: caseKeys.content(id) });
                }}
              >
                {t('content.hide')}
              </button>
              <CaseContentView content={content.data} loading={content.isPending} error={content.error} onReload={() => void content.refetch()} />
            </>
          ) : (
            <button type="button" onClick={() => setShowContent(true)}>
              {t('content.open')}
            </button>
          )}
        </section>
      ) : null}
      <CaseTimeline detail={data} />
      {mayReadContent ? <CaseEvidence detail={data} content={shownContent} /> : null}
    </Page>
  );
}
