import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorMessage, Loading, useFormat } from '../../shared/ui.js';
import { auditApi } from './api.js';
import { ActorLabel } from './AuditNav.js';
import { JsonView } from './JsonView.js';

/** The envelopes exactly as stored: hashes, positions, ids; personal-data fields stay sealed (key id only). */
export function StoredEvents({ streamId }: { streamId: string }) {
  const { t } = useTranslation('audit');
  const fmt = useFormat();
  const events = useQuery({ queryKey: ['audit', 'events', streamId], queryFn: () => auditApi.events(streamId) });
  return (
    <section aria-labelledby="stored-heading">
      <h2 id="stored-heading">{t('stored.title')}</h2>
      <p className="muted small">{t('stored.hint')}</p>
      {events.isPending ? <Loading /> : null}
      {events.isError ? <ErrorMessage error={events.error} /> : null}
      {events.data?.events.map((event) => (
        <details key={event.eventId} className="audit-event">
          <summary>{t('stored.summary', { version: event.streamVersion, type: event.type, at: fmt.dateTime(event.recordedAt) })}</summary>
          <dl className="facts">
            <dt>{t('stored.eventId')}</dt>
            <dd>
              <code>{event.eventId}</code>
            </dd>
            <dt>{t('stored.position')}</dt>
            <dd>
              <code>{event.position}</code>
            </dd>
            <dt>{t('stored.schemaVersion')}</dt>
            <dd>{event.schemaVersion}</dd>
            <dt>{t('history.occurredAt')}</dt>
            <dd>{fmt.dateTime(event.occurredAt)}</dd>
            <dt>{t('history.recordedAt')}</dt>
            <dd>{fmt.dateTime(event.recordedAt)}</dd>
            <dt>{t('history.actor')}</dt>
            <dd>
              <ActorLabel kind={event.actor.kind} role={event.actor.role} userId={event.actor.userId} />
            </dd>
            <dt>{t('stored.correlationId')}</dt>
            <dd>
              <code>{event.correlationId}</code>
            </dd>
            <dt>{t('stored.causationId')}</dt>
            <dd>
              <code>{event.causationId}</code>
            </dd>
            <dt>{t('stored.piiSubjects')}</dt>
            <dd>{event.piiSubjects.length > 0 ? event.piiSubjects.map((subject) => <code key={subject} className="hash">{subject} </code>) : t('common:state.none')}</dd>
            <dt>{t('chain.prevHash')}</dt>
            <dd className="hash">{event.prevHash}</dd>
            <dt>{t('chain.hash')}</dt>
            <dd className="hash">{event.hash}</dd>
          </dl>
          <h3 className="small">{t('stored.data')}</h3>
          <JsonView value={event.data} />
        </details>
      ))}
    </section>
  );
}
