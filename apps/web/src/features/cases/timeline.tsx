import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../shared/api.js';
import { ErrorMessage, Loading, useFormat } from '../../shared/ui.js';
import { useUserLabel } from './hooks.js';
import type { CaseDetail } from './types.js';

/** One event of GET /cases/{id}/history: sealed fields come back as {sealed: true}; only codes are read here. */
interface HistoryEvent {
  eventId: string;
  streamVersion: number;
  type: string;
  occurredAt: string;
  recordedAt: string;
  actor: { kind: string; userId?: string; role?: string };
  data: Record<string, unknown>;
}

interface CaseHistory {
  version: number;
  events: HistoryEvent[];
}

const code = (value: unknown): string => (typeof value === 'string' ? value : '');

/**
 * Every event of the case, newest first, from the case's own event stream (GET /cases/{id}/history: for its
 * assigned investigators and the office's supervisors). Each line names what happened in the reader's language,
 * with the codes it carries (phase, disposition, step type …); the sealed texts stay sealed here — the content
 * section opens them, and that opening is logged.
 */
export function CaseTimeline({ detail }: { detail: CaseDetail }) {
  const { t } = useTranslation('cases');
  const format = useFormat();
  const userLabel = useUserLabel();
  const history = useQuery({
    queryKey: ['cases', 'history', detail.id, detail.version],
    queryFn: ({ signal }) => api<CaseHistory>(`/cases/${detail.id}/history`, { signal }),
  });

  const describe = (event: HistoryEvent): string => {
    const d = event.data;
    switch (event.type) {
      case 'CasePhaseChanged':
        return t('timeline.entry.phase', { phase: format.code('phase', code(d.to)) });
      case 'CaseAssigned':
        return t('timeline.entry.assigned', { user: userLabel(code(d.assigneeUserId)), role: t(`codes.assigneeRole.${code(d.role) || 'lead'}`) });
      case 'DeadlineSet':
        return t('timeline.entry.deadline', { kind: t(`codes.deadlineKind.${code(d.kind) || 'screening'}`), date: format.date(code(d.dueAt)) });
      case 'DeadlineExtended':
        return t('timeline.entry.deadline', { kind: t(`codes.deadlineKind.${code(d.kind) || 'screening'}`), date: format.date(code(d.newDueAt)) });
      case 'ClosureProposed':
        return t('timeline.entry.closureProposed', { disposition: format.code('disposition', code(d.disposition)) });
      case 'CaseClosed':
        return t('timeline.entry.closed', { disposition: format.code('disposition', code(d.disposition)) });
      case 'InvestigationStepRecorded':
        return t('timeline.entry.step', { type: t(`codes.stepType.${code(d.stepType) || 'other'}`) });
      case 'EvidenceLogged':
        return t('timeline.entry.evidence', { kind: t(`evidence.kinds.${code(d.kind) || 'document'}`) });
      case 'FindingRecorded':
        return t('timeline.entry.finding', { result: t(`codes.findingResult.${code(d.result) || 'inconclusive'}`) });
      default:
        return t(`timeline.event.${event.type}`, { defaultValue: event.type });
    }
  };

  return (
    <section className="card" aria-labelledby="case-timeline-title">
      <h2 id="case-timeline-title">{t('timeline.title')}</h2>
      <p className="muted small">
        {t('timeline.hint')} {t('timeline.sealedNote')}
      </p>
      {history.isPending ? <Loading /> : null}
      <ErrorMessage error={history.error} />
      {history.data && history.data.events.length === 0 ? <p className="muted">{t('timeline.empty')}</p> : null}
      {history.data ? (
        <ol className="timeline" aria-label={t('timeline.title')}>
          {[...history.data.events].reverse().map((event) => (
            <li key={event.eventId}>
              <span className="when">
                <time dateTime={event.occurredAt}>{format.dateTime(event.occurredAt)}</time>
                {event.actor.userId ? ` · ${t('timeline.by', { user: userLabel(event.actor.userId) })}` : ''}
                {event.actor.role ? ` (${format.code('role', event.actor.role)})` : ''}
              </span>{' '}
              <span>{describe(event)}</span> <span className="muted small">{t('timeline.version', { version: event.streamVersion })}</span>
            </li>
          ))}
        </ol>
      ) : null}
    </section>
  );
}
