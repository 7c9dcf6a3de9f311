import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorMessage, Loading, Notice, Page } from '../../shared/ui.js';
import { STREAM_ID, auditApi } from './api.js';
import { AuditNav } from './AuditNav.js';
import { ChainVerify } from './ChainVerify.js';
import { StoredEvents } from './StoredEvents.js';
import { StreamHistoryTable } from './StreamHistory.js';
import { TimeTravel } from './TimeTravel.js';

/** One stream as the log holds it: history, the state at any version, the hash chain and the stored envelopes. */
export function StreamScreen() {
  const { t } = useTranslation('audit');
  const streamId = useParams().streamId ?? '';
  const valid = STREAM_ID.test(streamId);
  const [openContent, setOpenContent] = useState(false);
  const [confirming, setConfirming] = useState(false);

  const history = useQuery({ queryKey: ['audit', 'history', streamId, false], queryFn: () => auditApi.history(streamId, false), enabled: valid });
  // Opened content is personal data: fetched only on an explicit request, logged by the server, never kept once unused.
  const opened = useQuery({ queryKey: ['audit', 'history', streamId, true], queryFn: () => auditApi.history(streamId, true), enabled: valid && openContent, gcTime: 0, staleTime: 0, retry: false });

  const title = t('stream.title', { streamId });
  if (!valid) {
    return (
      <Page title={t('stream.titleInvalid')}>
        <AuditNav />
        <Notice kind="warning">{t('finder.invalid')}</Notice>
        <Link to="/audit">{t('stream.back')}</Link>
      </Page>
    );
  }
  const shown = openContent && opened.data ? opened.data : history.data;
  return (
    <Page title={title}>
      <AuditNav />
      <p className="row">
        <Link to="/audit">{t('stream.back')}</Link>
        <Link to={`/audit/log?stream=${encodeURIComponent(streamId)}`}>{t('stream.inLog')}</Link>
      </p>
      {history.isPending ? <Loading /> : null}
      {history.isError ? <ErrorMessage error={history.error} /> : null}
      {shown ? (
        <>
          <dl className="facts card">
            <dt>{t('stream.streamId')}</dt>
            <dd>
              <code>{shown.streamId}</code>
            </dd>
            <dt>{t('stream.aggregate')}</dt>
            <dd>{shown.aggregate ? t(`aggregate.${shown.aggregate}`, { defaultValue: shown.aggregate }) : t('stream.noAggregate')}</dd>
            <dt>{t('stream.head')}</dt>
            <dd>{shown.version}</dd>
            <dt>{t('stream.events')}</dt>
            <dd>{shown.events.length}</dd>
          </dl>

          <section aria-labelledby="history-heading">
            <h2 id="history-heading">{t('history.title')}</h2>
            <div className="card">
              {openContent ? (
                <>
                  {opened.isPending ? <Loading /> : null}
                  {opened.isError ? <ErrorMessage error={opened.error} /> : null}
                  {opened.data ? <Notice kind="warning">{t('history.opened')}</Notice> : null}
                  <button type="button" className="secondary" onClick={() => { setOpenContent(false); setConfirming(false); }}>
                    {t('history.closeContent')}
                  </button>
                </>
              ) : confirming ? (
                <div className="alert alert-warning">
                  <p>{t('history.confirmText')}</p>
                  <div className="row">
                    <button type="button" onClick={() => setOpenContent(true)}>
                      {t('history.confirmOpen')}
                    </button>
                    <button type="button" className="secondary" onClick={() => setConfirming(false)}>
                      {t('common:action.cancel')}
                    </button>
                  </div>
                </div>
              ) : (
                <>
                  <p className="muted small">{t('history.sealedNote')}</p>
                  <button type="button" className="secondary" onClick={() => setConfirming(true)}>
                    {t('history.openContent')}
                  </button>
                </>
              )}
            </div>
            <StreamHistoryTable history={shown} />
          </section>

          <TimeTravel streamId={streamId} head={history.data?.version ?? shown.version} hasAggregate={Boolean(shown.aggregate)} />
          <ChainVerify streamId={streamId} events={shown.events} />
          <StoredEvents streamId={streamId} />
        </>
      ) : null}
    </Page>
  );
}
