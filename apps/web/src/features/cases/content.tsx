import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage, Loading, Notice, useFormat } from '../../shared/ui.js';
import { useUserLabel } from './hooks.js';
import { isErased, record, text, type CaseContent, type ContentItem, type TipContent } from './types.js';

/** A sealed field as text: the opened value, "(erased)", or "(sealed)" when the server could not open it. */
export function useShown(): (value: unknown) => string {
  const { t } = useTranslation('cases');
  return (value) => {
    if (typeof value === 'string') return value;
    if (typeof value === 'number') return String(value);
    if (isErased(value)) return t('content.erased');
    if (record(value)) return t('content.sealed');
    return '';
  };
}

function Section({ title, items, render }: { title: string; items: readonly ContentItem[]; render: (item: ContentItem) => ReactNode }) {
  const { t } = useTranslation('cases');
  const format = useFormat();
  const userLabel = useUserLabel();
  return (
    <>
      <h3>{title}</h3>
      {items.length === 0 ? (
        <p className="muted">{t('content.none')}</p>
      ) : (
        <ul className="stack">
          {items.map((item) => (
            <li key={item.eventId}>
              <span className="muted small">
                <time dateTime={item.at}>{format.dateTime(item.at)}</time>
                {item.by ? ` · ${t('timeline.by', { user: userLabel(item.by) })}` : ''}
              </span>
              <div>{render(item)}</div>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function Tip({ tip }: { tip: TipContent }) {
  const { t } = useTranslation('cases');
  const format = useFormat();
  const shown = useShown();
  const identity = record(tip.reporter.identity);
  return (
    <li>
      <p>{t('content.tipLine', { tipNo: tip.tipNo ?? tip.tipId.slice(0, 8), channel: format.code('channel', tip.channel), at: format.dateTime(tip.receivedAt) })}</p>
      <p>
        {t('content.pseudonym', { name: tip.reporter.pseudonym })} · {t(`content.anonymity.${tip.reporter.anonymity}`)}
      </p>
      {tip.narrative !== undefined ? (
        <>
          <p className="muted small">{t('content.narrative')}</p>
          <p className="sealed-text">{shown(tip.narrative)}</p>
        </>
      ) : null}
      {identity ? (
        <div className="alert alert-warning">
          <strong>{t('content.identity')}</strong>
          {isErased(identity) ? (
            <p>{t('content.erased')}</p>
          ) : (
            <dl className="facts">
              {(['fullName', 'nationalId', 'phone', 'email', 'address'] as const)
                .filter((field) => identity[field] !== undefined)
                .map((field) => (
                  <div key={field} style={{ display: 'contents' }}>
                    <dt>{t(`identity.${field}`)}</dt>
                    <dd>{shown(identity[field])}</dd>
                  </div>
                ))}
            </dl>
          )}
        </div>
      ) : null}
    </li>
  );
}

/**
 * The case's sealed content, shown only after the user asked for it: the server logs every opening before it
 * answers. Hiding it drops it from memory.
 */
export function CaseContentView({ content, loading, error, onReload }: { content: CaseContent | undefined; loading: boolean; error: unknown; onReload: () => void }) {
  const { t } = useTranslation('cases');
  const format = useFormat();
  const shown = useShown();
  if (loading) return <Loading />;
  if (error) return <ErrorMessage error={error} />;
  if (!content) return null;
  return (
    <div>
      <p className="muted small">
        {t('content.readAt', { version: content.version })}{' '}
        <button type="button" className="link-button" onClick={onReload}>
          {t('content.reload')}
        </button>
      </p>
      {content.identityGrant ? <Notice>{t('content.grant')}</Notice> : null}
      <Section
        title={t('content.accused')}
        items={content.accused}
        render={(item) => {
          const person = record(item.accused);
          return (
            <>
              {shown(person?.name)}
              {text(person?.position) ? ` · ${t('content.position', { text: shown(person?.position) })}` : ''}
              {item.removed ? (
                <>
                  {' '}
                  <span className="badge">{t('content.removed')}</span>
                </>
              ) : null}
            </>
          );
        }}
      />
      <Section
        title={t('content.witnesses')}
        items={content.witnesses}
        render={(item) => {
          const person = record(item.witness);
          return (
            <>
              {shown(person?.name)}
              {person?.phone !== undefined ? ` · ${t('content.phone', { text: shown(person.phone) })}` : ''}
              {person?.relation !== undefined ? ` · ${t('content.relation', { text: shown(person.relation) })}` : ''}
            </>
          );
        }}
      />
      <Section
        title={t('content.steps')}
        items={content.steps}
        render={(item) => (
          <>
            <strong>{t(`codes.stepType.${text(item.stepType) ?? 'other'}`)}</strong> · {t('content.performedAt', { at: format.dateTime(text(item.performedAt)) })}
            <p className="sealed-text">{shown(item.summary)}</p>
            {item.outcome !== undefined ? <p className="sealed-text">{t('content.outcome', { text: shown(item.outcome) })}</p> : null}
          </>
        )}
      />
      <Section
        title={t('content.findings')}
        items={content.findings}
        render={(item) => (
          <>
            <strong>{t(`codes.findingResult.${text(item.result) ?? 'inconclusive'}`)}</strong>
            {' · '}
            {t('content.action', { action: t(`codes.recommendedAction.${text(item.recommendedAction) ?? 'none'}`) })}
            {Array.isArray(item.againstSubjectRefs) && item.againstSubjectRefs.length > 0 ? ` · ${t('content.against', { count: item.againstSubjectRefs.length })}` : ''}
            <p className="sealed-text">{shown(item.summary)}</p>
          </>
        )}
      />
      <Section title={t('content.notes')} items={content.notes} render={(item) => <p className="sealed-text">{shown(item.body)}</p>} />
      <Section title={t('content.infoRequests')} items={content.infoRequests} render={(item) => <p className="sealed-text">{shown(item.question)}</p>} />
      <Section
        title={t('content.closureProposals')}
        items={content.closureProposals}
        render={(item) => (
          <>
            <strong>{format.code('disposition', text(item.disposition))}</strong>
            {item.reason !== undefined ? <p className="sealed-text">{t('content.reason', { text: shown(item.reason) })}</p> : null}
            {item.publicOutcomeStatement !== undefined ? <p className="sealed-text">{t('content.publicStatement', { text: shown(item.publicOutcomeStatement) })}</p> : null}
          </>
        )}
      />
      <h3>{t('content.tips')}</h3>
      {content.tips.length === 0 ? (
        <p className="muted">{t('content.none')}</p>
      ) : (
        <ul className="stack">
          {content.tips.map((tip) => (
            <Tip key={tip.tipId} tip={tip} />
          ))}
        </ul>
      )}
    </div>
  );
}
