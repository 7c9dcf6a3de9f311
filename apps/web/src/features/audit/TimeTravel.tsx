import { useEffect, useId, useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../shared/api.js';
import { ErrorMessage, Loading, Notice, SelectField, useFormat } from '../../shared/ui.js';
import { auditApi, type StateChange } from './api.js';
import { JsonView } from './JsonView.js';

/**
 * Time travel: a slider and a picker over versions 1…head. Shows the state folded from the log up to the
 * chosen version, and what the next version changed (fields old → new, and the event that did it).
 */
export function TimeTravel({ streamId, head, hasAggregate }: { streamId: string; head: number; hasAggregate: boolean }) {
  const { t } = useTranslation('audit');
  const fmt = useFormat();
  const sliderId = useId();
  // Starts one before the head, so the latest change is on screen at once.
  const [version, setVersion] = useState(Math.max(head - 1, 1));
  useEffect(() => setVersion((current) => Math.min(Math.max(current, 1), head)), [head]);

  const state = useQuery({
    queryKey: ['audit', 'state', streamId, version],
    queryFn: () => auditApi.state(streamId, version),
    enabled: hasAggregate && version >= 1,
    placeholderData: keepPreviousData,
  });
  const next = version < head ? version + 1 : undefined;
  const diff = useQuery({
    queryKey: ['audit', 'diff', streamId, version, next],
    queryFn: () => auditApi.diff(streamId, version, next ?? version),
    enabled: hasAggregate && next !== undefined,
    placeholderData: keepPreviousData,
  });

  const versions = Array.from({ length: head }, (_, index) => index + 1);
  const noAggregate = !hasAggregate || (state.error instanceof ApiError && state.error.status === 422);

  return (
    <section aria-labelledby="travel-heading">
      <h2 id="travel-heading">{t('travel.title')}</h2>
      <div className="card">
        <p className="muted small">{t('travel.hint')}</p>
        <div className="audit-version">
          <div className="field">
            <label htmlFor={sliderId}>{t('travel.slider')}</label>
            <input
              id={sliderId}
              className="audit-slider"
              type="range"
              min={1}
              max={Math.max(head, 1)}
              step={1}
              value={version}
              aria-valuetext={t('travel.valueText', { version, head })}
              onChange={(event) => setVersion(Number(event.target.value))}
              disabled={head <= 1}
            />
            <p className="hint">{t('travel.valueText', { version, head })}</p>
          </div>
          <SelectField
            label={t('travel.picker')}
            name="atVersion"
            value={String(version)}
            onChange={(event) => setVersion(Number(event.target.value))}
            options={versions.map((v) => ({ value: String(v), label: t('travel.option', { version: v }) }))}
          />
        </div>
      </div>
      {noAggregate ? (
        <Notice>{t('travel.noAggregate')}</Notice>
      ) : (
        <div className="grid">
          <section className="card" aria-labelledby="state-heading" aria-busy={state.isFetching}>
            <h3 id="state-heading">{t('travel.stateAt', { version })}</h3>
            {state.isPending ? <Loading /> : null}
            {state.isError ? <ErrorMessage error={state.error} /> : null}
            {state.data ? (
              <>
                <p className="small muted" role="status" aria-live="polite">
                  {t('travel.stateMeta', { version: state.data.version, head: state.data.headVersion, at: fmt.dateTime(state.data.recordedAt) })}
                </p>
                <JsonView value={state.data.state} />
              </>
            ) : null}
          </section>
          <section className="card" aria-labelledby="diff-heading" aria-busy={diff.isFetching}>
            <h3 id="diff-heading">{next !== undefined ? t('travel.diffTitle', { from: version, to: next }) : t('travel.diffHead')}</h3>
            {next === undefined ? <p className="muted">{t('travel.atHead')}</p> : null}
            {next !== undefined && diff.isPending ? <Loading /> : null}
            {next !== undefined && diff.isError ? <ErrorMessage error={diff.error} /> : null}
            {next !== undefined && diff.data ? (
              <>
                <h4 className="small">{t('travel.eventsBetween')}</h4>
                <ul className="timeline">
                  {diff.data.events.map((event) => (
                    <li key={event.streamVersion}>
                      <strong>
                        {t('travel.eventLine', { version: event.streamVersion })} <code>{event.type}</code>
                      </strong>
                      <div className="small">{event.summary}</div>
                      <div className="small muted">{t('travel.recordedAt', { at: fmt.dateTime(event.recordedAt) })}</div>
                    </li>
                  ))}
                </ul>
                <ChangesTable changes={diff.data.changes} />
              </>
            ) : null}
          </section>
        </div>
      )}
    </section>
  );
}

function ChangesTable({ changes }: { changes: StateChange[] }) {
  const { t } = useTranslation('audit');
  if (changes.length === 0) return <p className="muted">{t('travel.noChanges')}</p>;
  return (
    <div className="table-wrap">
      <table>
        <caption className="sr-only">{t('travel.changesCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('travel.field')}</th>
            <th scope="col">{t('travel.change')}</th>
            <th scope="col">{t('travel.old')}</th>
            <th scope="col">{t('travel.new')}</th>
          </tr>
        </thead>
        <tbody>
          {changes.map((change) => (
            <tr key={`${change.path}:${change.change}`}>
              <td>
                <code>{change.path}</code>
              </td>
              <td>
                <span className={`badge ${change.change === 'removed' ? 'badge-danger' : change.change === 'added' ? 'badge-ok' : 'badge-warn'}`}>{t(`travel.kind.${change.change}`)}</span>
              </td>
              <td className="change-from">{change.change === 'added' ? <span className="muted">{t('common:state.none')}</span> : <JsonView value={change.from} />}</td>
              <td className="change-to">{change.change === 'removed' ? <span className="muted">{t('common:state.none')}</span> : <JsonView value={change.to} />}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
