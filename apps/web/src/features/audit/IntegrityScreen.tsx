import { useState } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Empty, ErrorMessage, Loading, Page, useFormat } from '../../shared/ui.js';
import { auditApi, short, type AnchorVerification, type ChainBreak } from './api.js';
import { AuditNav } from './AuditNav.js';

/** The whole log's hash chains, and the signed anchors that prove nothing before them was rewritten. */
export function IntegrityScreen() {
  const { t } = useTranslation('audit');
  return (
    <Page title={t('integrity.title')}>
      <AuditNav />
      <LogVerifyCard />
      <AnchorsCard />
    </Page>
  );
}

function BreakText({ firstBreak }: { firstBreak: ChainBreak }) {
  const { t } = useTranslation('audit');
  return (
    <p>
      {t('integrity.breakAt', { version: firstBreak.streamVersion, problem: t(`problem.${firstBreak.problem}`, { defaultValue: firstBreak.problem }) })}{' '}
      <Link to={`/audit/streams/${encodeURIComponent(firstBreak.streamId)}`}>{firstBreak.streamId}</Link>
    </p>
  );
}

function LogVerifyCard() {
  const { t } = useTranslation('audit');
  const fmt = useFormat();
  const verify = useMutation({ mutationKey: ['audit', 'verify-log'], mutationFn: auditApi.verifyLog });
  const result = verify.data;
  return (
    <section className="card" aria-labelledby="log-verify-heading">
      <h2 id="log-verify-heading">{t('integrity.logTitle')}</h2>
      <p className="muted small">{t('integrity.logHint')}</p>
      <button type="button" onClick={() => verify.mutate()} disabled={verify.isPending}>
        {verify.isPending ? t('chain.running') : t('integrity.logRun')}
      </button>
      {verify.isError ? <ErrorMessage error={verify.error} /> : null}
      <div role="status" aria-live="polite">
        {result ? (
          result.ok ? (
            <p>
              <span className="badge badge-ok">{t('chain.ok')}</span> {t('integrity.logOk', { streams: fmt.number(result.streams), events: fmt.number(result.events), position: result.position })}
            </p>
          ) : (
            <div className="alert alert-error">
              <strong>{t('integrity.logBroken', { streams: fmt.number(result.streams), events: fmt.number(result.events) })}</strong>
              {result.firstBreak ? <BreakText firstBreak={result.firstBreak} /> : null}
            </div>
          )
        ) : null}
      </div>
    </section>
  );
}

function AnchorsCard() {
  const { t } = useTranslation('audit');
  const fmt = useFormat();
  const anchors = useQuery({ queryKey: ['audit', 'anchors'], queryFn: auditApi.anchors });
  const [results, setResults] = useState<Record<string, AnchorVerification>>({});
  const verify = useMutation({
    mutationFn: auditApi.verifyAnchor,
    onSuccess: (result) => setResults((current) => ({ ...current, [result.anchorId]: result })),
  });
  const checked = verify.variables ? results[verify.variables] : undefined;

  return (
    <section className="card" aria-labelledby="anchors-heading">
      <h2 id="anchors-heading">{t('anchors.title')}</h2>
      <p className="muted small">{t('anchors.hint')}</p>
      {anchors.isPending ? <Loading /> : null}
      {anchors.isError ? <ErrorMessage error={anchors.error} /> : null}
      {anchors.data ? (
        <>
          <dl className="facts">
            <dt>{t('anchors.keyId')}</dt>
            <dd>
              <code>{anchors.data.keyId}</code>
            </dd>
            <dt>{t('anchors.publicKey')}</dt>
            <dd className="hash">{anchors.data.publicKey}</dd>
          </dl>
          {anchors.data.anchors.length === 0 ? (
            <Empty>{t('anchors.none')}</Empty>
          ) : (
            <div className="table-wrap">
              <table>
                <caption className="sr-only">{t('anchors.caption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('anchors.createdAt')}</th>
                    <th scope="col">{t('anchors.position')}</th>
                    <th scope="col" className="num">
                      {t('anchors.streams')}
                    </th>
                    <th scope="col" className="num">
                      {t('anchors.eventCount')}
                    </th>
                    <th scope="col">{t('anchors.root')}</th>
                    <th scope="col">{t('anchors.keyId')}</th>
                    <th scope="col">{t('anchors.result')}</th>
                  </tr>
                </thead>
                <tbody>
                  {anchors.data.anchors.map(({ anchor, createdBy }) => {
                    const result = results[anchor.anchorId];
                    const running = verify.isPending && verify.variables === anchor.anchorId;
                    return (
                      <tr key={anchor.anchorId}>
                        <td>
                          {fmt.dateTime(anchor.createdAt)}
                          <div className="small muted">{createdBy ? t('anchors.by', { id: short(createdBy, 8) }) : t('anchors.scheduled')}</div>
                        </td>
                        <td>
                          <code>{anchor.position}</code>
                        </td>
                        <td className="num">{fmt.number(anchor.streamCount)}</td>
                        <td className="num">{fmt.number(anchor.eventCount)}</td>
                        <td className="hash" title={anchor.merkleRoot}>
                          {short(anchor.merkleRoot, 16)}
                        </td>
                        <td>
                          <code>{anchor.keyId}</code>
                        </td>
                        <td>
                          {result ? <span className={`badge ${result.ok ? 'badge-ok' : 'badge-danger'}`}>{result.ok ? t('anchors.valid') : t('anchors.invalid')}</span> : null}{' '}
                          <button type="button" className="secondary" onClick={() => verify.mutate(anchor.anchorId)} disabled={running}>
                            {running ? t('chain.running') : t('anchors.verify')}
                            <span className="sr-only"> {fmt.dateTime(anchor.createdAt)}</span>
                          </button>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
        </>
      ) : null}
      {verify.isError ? <ErrorMessage error={verify.error} /> : null}
      <div role="status" aria-live="polite">
        {checked ? <AnchorResult result={checked} /> : null}
      </div>
    </section>
  );
}

function AnchorResult({ result }: { result: AnchorVerification }) {
  const { t } = useTranslation('audit');
  const fmt = useFormat();
  return (
    <div className={`alert ${result.ok ? 'alert-success' : 'alert-error'}`}>
      <h3>{result.ok ? t('anchors.resultOk') : t('anchors.resultBad', { problem: t(`anchorProblem.${result.problem ?? 'unknown'}`, { defaultValue: result.problem ?? '' }) })}</h3>
      <dl className="facts">
        <dt>{t('anchors.anchorId')}</dt>
        <dd>
          <code>{result.anchorId}</code>
        </dd>
        <dt>{t('anchors.position')}</dt>
        <dd>
          <code>{result.position}</code>
        </dd>
        <dt>{t('anchors.eventsChecked')}</dt>
        <dd>{fmt.number(result.eventsChecked)}</dd>
        {result.recomputedRoot ? (
          <>
            <dt>{t('anchors.recomputedRoot')}</dt>
            <dd className="hash">{result.recomputedRoot}</dd>
          </>
        ) : null}
        {result.recomputedStreamCount !== undefined ? (
          <>
            <dt>{t('anchors.recomputedCounts')}</dt>
            <dd>{t('anchors.counts', { streams: fmt.number(result.recomputedStreamCount), events: fmt.number(result.recomputedEventCount ?? 0) })}</dd>
          </>
        ) : null}
      </dl>
      {result.firstBreak ? <BreakText firstBreak={result.firstBreak} /> : null}
      {result.differingStreams && result.differingStreams.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption>{t('anchors.differing')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('stream.streamId')}</th>
                <th scope="col">{t('anchors.anchored')}</th>
                <th scope="col">{t('anchors.found')}</th>
              </tr>
            </thead>
            <tbody>
              {result.differingStreams.map((stream) => (
                <tr key={stream.streamId}>
                  <td>
                    <Link to={`/audit/streams/${encodeURIComponent(stream.streamId)}`}>{stream.streamId}</Link>
                  </td>
                  <td className="hash">{stream.anchored ? t('anchors.head', { version: stream.anchored.version, hash: short(stream.anchored.hash, 16) }) : t('common:state.none')}</td>
                  <td className="hash">{stream.found ? t('anchors.head', { version: stream.found.version, hash: short(stream.found.hash, 16) }) : t('common:state.none')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}
