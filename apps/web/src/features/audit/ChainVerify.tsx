import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorMessage, Loading } from '../../shared/ui.js';
import { auditApi, short, type ChainBreak, type HistoryEntry } from './api.js';
import { EventTable } from './StreamHistory.js';

type LinkStatus = 'ok' | 'broken' | 'unchecked';

/** The status of each link: the server names the first broken one; every link before it holds, those after are not vouched for. */
function linkStatus(version: number, firstBreak: ChainBreak | undefined): LinkStatus {
  if (!firstBreak) return 'ok';
  if (version < firstBreak.streamVersion) return 'ok';
  if (version === firstBreak.streamVersion) return 'broken';
  return 'unchecked';
}

const BADGE: Record<LinkStatus, string> = { ok: 'badge-ok', broken: 'badge-danger', unchecked: 'badge-warn' };

export function ChainVerify({ streamId, events }: { streamId: string; events: HistoryEntry[] }) {
  const { t } = useTranslation('audit');
  const verify = useQuery({ queryKey: ['audit', 'verify', streamId], queryFn: () => auditApi.verifyStream(streamId) });
  const result = verify.data;
  return (
    <section aria-labelledby="chain-heading">
      <h2 id="chain-heading">{t('chain.title')}</h2>
      <div className="card">
        <p className="muted small">{t('chain.hint')}</p>
        <div className="row">
          <button type="button" onClick={() => void verify.refetch()} disabled={verify.isFetching}>
            {verify.isFetching ? t('chain.running') : t('chain.run')}
          </button>
        </div>
        {verify.isPending ? <Loading /> : null}
        <div role="status" aria-live="polite">
          {result ? (
            result.ok ? (
              <p>
                <span className="badge badge-ok">{t('chain.ok')}</span> {t('chain.okText', { events: result.events, version: result.version })}
              </p>
            ) : (
              <div className="alert alert-error">
                <strong>{t('chain.broken')}</strong>
                {result.firstBreak ? <p>{t('chain.firstBreak', { version: result.firstBreak.streamVersion, problem: t(`problem.${result.firstBreak.problem}`, { defaultValue: result.firstBreak.problem }) })}</p> : null}
              </div>
            )
          ) : null}
        </div>
        {verify.isError ? <ErrorMessage error={verify.error} /> : null}
      </div>
      {result ? (
        <EventTable
          caption={t('chain.caption')}
          columns={
            <>
              <th scope="col">{t('chain.prevHash')}</th>
              <th scope="col">{t('chain.hash')}</th>
              <th scope="col">{t('chain.status')}</th>
            </>
          }
        >
          {events.map((event) => {
            const status = linkStatus(event.streamVersion, result.firstBreak);
            return (
              <tr key={event.eventId}>
                <td className="num">{event.streamVersion}</td>
                <td>
                  <code>{event.type}</code>
                </td>
                <td className="hash" title={event.prevHash}>
                  {short(event.prevHash, 16)}
                </td>
                <td className="hash" title={event.hash}>
                  {short(event.hash, 16)}
                </td>
                <td>
                  <span className={`badge ${BADGE[status]}`}>{t(`chain.link.${status}`)}</span>
                  {status === 'broken' && result.firstBreak ? <div className="small">{t(`problem.${result.firstBreak.problem}`, { defaultValue: result.firstBreak.problem })}</div> : null}
                </td>
              </tr>
            );
          })}
          {result.firstBreak?.problem === 'version_gap' && !events.some((event) => event.streamVersion === result.firstBreak?.streamVersion) ? (
            <tr>
              <td className="num">{result.firstBreak.streamVersion}</td>
              <td colSpan={3}>{t('chain.missing')}</td>
              <td>
                <span className="badge badge-danger">{t('chain.link.broken')}</span>
              </td>
            </tr>
          ) : null}
        </EventTable>
      ) : null}
    </section>
  );
}
