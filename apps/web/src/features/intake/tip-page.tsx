import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api } from '../../shared/api.js';
import { ErrorMessage, Loading, Page, useFormat } from '../../shared/ui.js';
import { ageInDays, tipKeys, type TipItem } from './api.js';
import { StatusBadge } from './status-badge.js';
import { TipActions } from './tip-actions.js';
import { TipContentSection } from './tip-content.js';
import { TipThread } from './tip-thread.js';

/** One tip: its facts (no content), the sealed content on request, the reporter thread, and the screening actions. */
export function TipPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation('intake');
  const tip = useQuery({ queryKey: tipKeys.tip(id), queryFn: ({ signal }) => api<TipItem>(`/tips/${id}`, { signal }) });
  if (tip.isPending) return <Loading />;
  if (tip.isError)
    return (
      <Page title={t('queue.title')}>
        <ErrorMessage error={tip.error} />
        <Link to=".." relative="path">
          {t('tip.back')}
        </Link>
      </Page>
    );
  const data = tip.data;
  return (
    <Page
      title={t('tip.title', { tipNo: data.tipNo })}
      actions={
        <Link to=".." relative="path">
          {t('tip.back')}
        </Link>
      }
    >
      <TipFacts tip={data} />
      <TipContentSection tip={data} />
      <TipThread tip={data} />
      <TipActions tip={data} />
    </Page>
  );
}

function TipFacts({ tip }: { tip: TipItem }) {
  const { t } = useTranslation('intake');
  const { code, date, dateTime, province, category, number } = useFormat();
  const none = <span className="muted">{t('tip.none')}</span>;
  return (
    <section className="card" aria-labelledby="tip-facts">
      <h2 id="tip-facts">{t('tip.facts')}</h2>
      <dl className="facts">
        <dt>{t('tip.status')}</dt>
        <dd>
          <StatusBadge status={tip.status} />
        </dd>
        <dt>{t('tip.channel')}</dt>
        <dd>{tip.channel ? code('channel', tip.channel) : none}</dd>
        <dt>{t('tip.receivedAt')}</dt>
        <dd>{dateTime(tip.receivedAt)}</dd>
        <dt>{t('tip.age')}</dt>
        <dd>{t('queue.days', { count: ageInDays(tip.receivedAt) })}</dd>
        <dt>{t('tip.acknowledged')}</dt>
        <dd>{tip.acknowledgedAt ? t('tip.ackValue', { date: dateTime(tip.acknowledgedAt), method: tip.ackMethod ? t(`ackMethod.${tip.ackMethod}`) : '' }) : <span className="badge badge-warn">{t('tip.notAcknowledged')}</span>}</dd>
        <dt>{t('tip.anonymity')}</dt>
        <dd>
          {tip.reporterAnonymity ? t(`anonymity.${tip.reporterAnonymity}`) : none}
          {tip.identityProvided ? ` · ${t('tip.identityProvided')}` : ''}
        </dd>
        <dt>{t('tip.category')}</dt>
        <dd>{tip.categoryGuess ? category(tip.categoryGuess) : none}</dd>
        <dt>{t('tip.agencyType')}</dt>
        <dd>{tip.agencyType ? code('agencyType', tip.agencyType) : none}</dd>
        <dt>{t('tip.province')}</dt>
        <dd>{tip.provinceCode ? province(tip.provinceCode) : none}</dd>
        <dt>{t('tip.amount')}</dt>
        <dd>{tip.allegedAmountTHB !== null ? t('tip.baht', { amount: number(tip.allegedAmountTHB, 2) }) : none}</dd>
        <dt>{t('tip.incident')}</dt>
        <dd>{tip.incidentDateFrom ? [date(tip.incidentDateFrom), tip.incidentDateTo && tip.incidentDateTo !== tip.incidentDateFrom ? date(tip.incidentDateTo) : ''].filter(Boolean).join(' – ') : none}</dd>
        <dt>{t('tip.attachments')}</dt>
        <dd>{t('tip.attachmentSummary', { count: tip.attachmentCount, pending: tip.pendingScans, infected: tip.infectedAttachments })}</dd>
        <dt>{t('tip.thread')}</dt>
        <dd>
          {t('tip.threadSummary', { messages: tip.reporterMessages, replies: tip.replies })}
          {tip.awaitingReply ? (
            <>
              {' '}
              <span className="badge badge-warn">{t('tip.awaiting')}</span>
            </>
          ) : null}
        </dd>
        <dt>{t('tip.reporterAccess')}</dt>
        <dd>{tip.reporterAccessExpiresAt ? t('tip.accessUntil', { state: t(`access.${tip.reporterAccess}`), date: date(tip.reporterAccessExpiresAt) }) : t(`access.${tip.reporterAccess}`)}</dd>
        {tip.caseId ? (
          <>
            <dt>{t('tip.case')}</dt>
            <dd>
              <Link to={`/cases/${tip.caseId}`}>{t('tip.openCaseLink')}</Link>
            </dd>
          </>
        ) : null}
        {tip.triagedAt ? (
          <>
            <dt>{t('tip.triagedAt')}</dt>
            <dd>{dateTime(tip.triagedAt)}</dd>
          </>
        ) : null}
        {tip.rejectionReason ? (
          <>
            <dt>{t('tip.rejectionReason')}</dt>
            <dd>{t(`rejection.${tip.rejectionReason}`)}</dd>
          </>
        ) : null}
        {tip.referredTo ? (
          <>
            <dt>{t('tip.referredTo')}</dt>
            <dd>{t(`referral.${tip.referredTo}`)}</dd>
          </>
        ) : null}
        <dt>{t('tip.lastEventAt')}</dt>
        <dd>{dateTime(tip.lastEventAt)}</dd>
      </dl>
    </section>
  );
}
