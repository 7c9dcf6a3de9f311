import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../shared/ui.js';
import { short, type StreamHistory } from './api.js';
import { ActorLabel } from './AuditNav.js';
import { JsonView } from './JsonView.js';

/**
 * A table of a stream's events, one a row: the version and event columns first, then `columns`. The audit's
 * history and chain views both draw their events in it.
 */
export function EventTable({ caption, columns, children }: { caption: string; columns: ReactNode; children: ReactNode }) {
  const { t } = useTranslation('audit');
  return (
    <div className="table-wrap">
      <table>
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            <th scope="col" className="num">
              {t('history.version')}
            </th>
            <th scope="col">{t('history.event')}</th>
            {columns}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** Every event of the stream in order: who (user and role), when it happened and when it was recorded, correlation. */
export function StreamHistoryTable({ history }: { history: StreamHistory }) {
  const { t } = useTranslation('audit');
  const fmt = useFormat();
  return (
    <EventTable
      caption={t('history.caption')}
      columns={
        <>
          <th scope="col">{t('history.occurredAt')}</th>
          <th scope="col">{t('history.recordedAt')}</th>
          <th scope="col">{t('history.actor')}</th>
          <th scope="col">{t('history.correlation')}</th>
        </>
      }
    >
      {history.events.map((event) => (
        <tr key={event.eventId}>
          <td className="num">{event.streamVersion}</td>
          <td>
            <code>{event.type}</code>
            <div className="small">{event.summary}</div>
            <details>
              <summary className="small">{t('history.payload', { version: event.streamVersion })}</summary>
              <JsonView value={event.data} />
            </details>
          </td>
          <td>{fmt.dateTime(event.occurredAt)}</td>
          <td>{fmt.dateTime(event.recordedAt)}</td>
          <td>
            <ActorLabel kind={event.actor.kind} role={event.actor.role} userId={event.actor.userId} />
            {event.actor.officeCode ? <div className="small muted">{event.actor.officeCode}</div> : null}
          </td>
          <td>
            <code className="small" title={event.correlationId}>
              {short(event.correlationId, 8)}
            </code>
            {event.causationId !== event.correlationId ? (
              <div className="small muted" title={event.causationId}>
                {t('history.causation', { id: short(event.causationId, 8) })}
              </div>
            ) : null}
          </td>
        </tr>
      ))}
    </EventTable>
  );
}
