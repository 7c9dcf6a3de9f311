import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, query } from '../../shared/api.js';
import { FilterForm, PagedTable, useCursorList, useSubmittedFilters, type CursorPage } from '../../shared/lists.js';
import { Page, SelectField, TextField, useFormat } from '../../shared/ui.js';
import { ACCESS_VIEWS, AS_AUDITOR, UUID, dayAfter, dayStart, short, type AccessLogEntry } from './api.js';
import { ActorLabel, AuditNav } from './AuditNav.js';
import { check, fieldErrors } from './filters.js';

const FILTERS = ['caseId', 'view', 'viewerUserId', 'subjectRef', 'grantRequestId', 'from', 'to', 'sort'] as const;
const OPAQUE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** Who opened which sealed content (identity, parties, narratives), when and under which grant — ids and field paths only. */
export function AccessLogScreen() {
  const { t } = useTranslation('audit');
  const fmt = useFormat();
  const { applied, bind, error, submit, clear } = useSubmittedFilters(FILTERS, {
    validate: (draft) =>
      fieldErrors([
        check('caseId', !draft.caseId || UUID.test(draft.caseId.trim()), t('filters.uuid')),
        check('viewerUserId', !draft.viewerUserId || UUID.test(draft.viewerUserId.trim()), t('filters.uuid')),
        check('grantRequestId', !draft.grantRequestId || UUID.test(draft.grantRequestId.trim()), t('filters.uuid')),
        check('subjectRef', !draft.subjectRef || OPAQUE.test(draft.subjectRef.trim()), t('access.subjectRefInvalid')),
        check('to', !draft.from || !draft.to || draft.from <= draft.to, t('filters.range')),
      ]),
  });

  const { list, items: rows } = useCursorList(['audit', 'access-log', applied], (after) =>
    api<CursorPage<AccessLogEntry>>(
      `/audit/access-log${query({
        limit: 50,
        after,
        caseId: applied.caseId,
        view: applied.view,
        viewerUserId: applied.viewerUserId,
        subjectRef: applied.subjectRef,
        grantRequestId: applied.grantRequestId,
        from: applied.from ? dayStart(applied.from) : undefined,
        // `to` is inclusive: the last millisecond of the chosen day.
        to: applied.to ? new Date(Date.parse(dayAfter(applied.to) ?? '') - 1).toISOString() : undefined,
        sort: applied.sort,
      })}`,
      AS_AUDITOR,
    ),
  );

  return (
    <Page title={t('access.title')}>
      <AuditNav />
      <p className="muted">{t('access.hint')}</p>
      <FilterForm id="access-filters" title={t('filters.title')} apply={t('filters.apply')} clearLabel={t('filters.clear')} error={error} onSubmit={submit} onClear={clear}>
        <TextField label={t('access.caseId')} {...bind('caseId')} error={error} hint={t('filters.uuidHint')} autoComplete="off" spellCheck={false} />
        <SelectField label={t('access.view')} {...bind('view')} placeholder={t('filters.all')} options={ACCESS_VIEWS.map((value) => ({ value, label: t(`view.${value}`) }))} />
        <TextField label={t('access.viewer')} {...bind('viewerUserId')} error={error} hint={t('filters.uuidHint')} autoComplete="off" spellCheck={false} />
        <TextField label={t('access.subjectRef')} {...bind('subjectRef')} error={error} hint={t('access.subjectRefHint')} autoComplete="off" spellCheck={false} />
        <TextField label={t('access.grant')} {...bind('grantRequestId')} error={error} hint={t('filters.uuidHint')} autoComplete="off" spellCheck={false} />
        <TextField label={t('filters.from')} type="date" {...bind('from')} error={error} />
        <TextField label={t('filters.to')} type="date" {...bind('to')} error={error} />
        <SelectField
          label={t('filters.sort')}
          {...bind('sort')}
          options={[
            { value: '', label: t('filters.oldest') },
            { value: '-position', label: t('filters.newest') },
          ]}
        />
      </FilterForm>

      <section aria-labelledby="access-results">
        <h2 id="access-results">{t('access.results')}</h2>
        <PagedTable
          list={list}
          count={rows.length}
          empty={t('access.empty')}
          caption={t('access.caption')}
          columns={
            <>
              <th scope="col">{t('access.at')}</th>
              <th scope="col">{t('access.viewerCol')}</th>
              <th scope="col">{t('access.view')}</th>
              <th scope="col">{t('access.logCol')}</th>
              <th scope="col">{t('access.fields')}</th>
              <th scope="col">{t('access.subjects')}</th>
              <th scope="col">{t('access.grant')}</th>
            </>
          }
        >
          {rows.map((row) => (
            <tr key={row.eventId}>
              <td>{fmt.dateTime(row.at)}</td>
              <td>
                <ActorLabel kind={row.viewerKind} role={row.role} userId={row.viewerUserId} />
              </td>
              <td>
                <span className={`badge ${row.view === 'reporter_identity' ? 'badge-warn' : ''}`}>{t(`view.${row.view}`, { defaultValue: row.view })}</span>
              </td>
              <td>
                <Link to={`/audit/streams/${encodeURIComponent(row.streamId)}`} title={row.streamId}>
                  {short(row.streamId, 20)}
                </Link>
                <div className="small muted" title={row.logId}>
                  {t('access.logId', { id: short(row.logId, 8) })}
                </div>
              </td>
              <td>
                <ul className="audit-list">
                  {row.fields.map((field) => (
                    <li key={field}>
                      <code className="small">{field}</code>
                    </li>
                  ))}
                </ul>
              </td>
              <td>
                {row.subjectRefs.map((ref) => (
                  <div key={ref}>
                    <code className="small" title={ref}>
                      {short(ref, 8)}
                    </code>
                  </div>
                ))}
              </td>
              <td>
                {row.grantRequestId ? (
                  <code className="small" title={row.grantRequestId}>
                    {short(row.grantRequestId, 8)}
                  </code>
                ) : (
                  <span className="muted">{t('common:state.none')}</span>
                )}
                {row.evidenceId ? <div className="small muted">{t('access.evidence', { id: short(row.evidenceId, 8) })}</div> : null}
              </td>
            </tr>
          ))}
        </PagedTable>
      </section>
    </Page>
  );
}
