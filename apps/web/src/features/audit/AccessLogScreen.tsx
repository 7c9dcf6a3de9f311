import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, query, type ApiError } from '../../shared/api.js';
import { Empty, ErrorMessage, Loading, Page, SelectField, TextField, useFormat } from '../../shared/ui.js';
import { ACCESS_VIEWS, AS_AUDITOR, UUID, dayAfter, dayStart, short, type AccessLogEntry, type Page as ListPage } from './api.js';
import { ActorLabel, AuditNav } from './AuditNav.js';
import { check, fieldErrors, paramsOf } from './filters.js';
import { MoreButton } from './StreamFinder.js';

const FILTERS = ['caseId', 'view', 'viewerUserId', 'subjectRef', 'grantRequestId', 'from', 'to', 'sort'] as const;
type Filters = Partial<Record<(typeof FILTERS)[number], string>>;
const OPAQUE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** Who opened which sealed content (identity, parties, narratives), when and under which grant — ids and field paths only. */
export function AccessLogScreen() {
  const { t } = useTranslation('audit');
  const fmt = useFormat();
  const [search, setSearch] = useSearchParams();
  const applied: Filters = paramsOf(search, FILTERS);
  const [draft, setDraft] = useState<Filters>(applied);
  const [error, setError] = useState<ApiError | undefined>();
  const set = (name: keyof Filters) => (event: { target: { value: string } }) => setDraft((current) => ({ ...current, [name]: event.target.value }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const problems = fieldErrors([
      check('caseId', !draft.caseId || UUID.test(draft.caseId.trim()), t('filters.uuid')),
      check('viewerUserId', !draft.viewerUserId || UUID.test(draft.viewerUserId.trim()), t('filters.uuid')),
      check('grantRequestId', !draft.grantRequestId || UUID.test(draft.grantRequestId.trim()), t('filters.uuid')),
      check('subjectRef', !draft.subjectRef || OPAQUE.test(draft.subjectRef.trim()), t('access.subjectRefInvalid')),
      check('to', !draft.from || !draft.to || draft.from <= draft.to, t('filters.range')),
    ]);
    setError(problems);
    if (problems) return;
    const next = new URLSearchParams();
    for (const [name, value] of Object.entries(draft)) if (value && value.trim()) next.set(name, value.trim());
    setSearch(next);
  };

  const clear = () => {
    setDraft({});
    setError(undefined);
    setSearch(new URLSearchParams());
  };

  const list = useInfiniteQuery({
    queryKey: ['audit', 'access-log', applied],
    queryFn: ({ pageParam }) =>
      api<ListPage<AccessLogEntry>>(
        `/audit/access-log${query({
          limit: 50,
          after: pageParam,
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
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next,
  });
  const rows = list.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <Page title={t('access.title')}>
      <AuditNav />
      <p className="muted">{t('access.hint')}</p>
      <form className="card" onSubmit={submit} noValidate aria-labelledby="access-filters">
        <h2 id="access-filters">{t('filters.title')}</h2>
        {error ? <ErrorMessage error={error} /> : null}
        <div className="grid">
          <TextField label={t('access.caseId')} name="caseId" value={draft.caseId ?? ''} onChange={set('caseId')} error={error} hint={t('filters.uuidHint')} autoComplete="off" spellCheck={false} />
          <SelectField label={t('access.view')} name="view" value={draft.view ?? ''} onChange={set('view')} placeholder={t('filters.all')} options={ACCESS_VIEWS.map((value) => ({ value, label: t(`view.${value}`) }))} />
          <TextField label={t('access.viewer')} name="viewerUserId" value={draft.viewerUserId ?? ''} onChange={set('viewerUserId')} error={error} hint={t('filters.uuidHint')} autoComplete="off" spellCheck={false} />
          <TextField label={t('access.subjectRef')} name="subjectRef" value={draft.subjectRef ?? ''} onChange={set('subjectRef')} error={error} hint={t('access.subjectRefHint')} autoComplete="off" spellCheck={false} />
          <TextField label={t('access.grant')} name="grantRequestId" value={draft.grantRequestId ?? ''} onChange={set('grantRequestId')} error={error} hint={t('filters.uuidHint')} autoComplete="off" spellCheck={false} />
          <TextField label={t('filters.from')} name="from" type="date" value={draft.from ?? ''} onChange={set('from')} error={error} />
          <TextField label={t('filters.to')} name="to" type="date" value={draft.to ?? ''} onChange={set('to')} error={error} />
          <SelectField
            label={t('filters.sort')}
            name="sort"
            value={draft.sort ?? ''}
            onChange={set('sort')}
            options={[
              { value: '', label: t('filters.oldest') },
              { value: '-position', label: t('filters.newest') },
            ]}
          />
        </div>
        <div className="row">
          <button type="submit">{t('filters.apply')}</button>
          <button type="button" className="secondary" onClick={clear}>
            {t('filters.clear')}
          </button>
        </div>
      </form>

      <section aria-labelledby="access-results">
        <h2 id="access-results">{t('access.results')}</h2>
        {list.isPending ? <Loading /> : null}
        {list.isError ? <ErrorMessage error={list.error} /> : null}
        {list.isSuccess && rows.length === 0 ? <Empty>{t('access.empty')}</Empty> : null}
        {rows.length > 0 ? (
          <>
            <div className="table-wrap">
              <table>
                <caption className="sr-only">{t('access.caption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('access.at')}</th>
                    <th scope="col">{t('access.viewerCol')}</th>
                    <th scope="col">{t('access.view')}</th>
                    <th scope="col">{t('access.logCol')}</th>
                    <th scope="col">{t('access.fields')}</th>
                    <th scope="col">{t('access.subjects')}</th>
                    <th scope="col">{t('access.grant')}</th>
                  </tr>
                </thead>
                <tbody>
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
                </tbody>
              </table>
            </div>
            <MoreButton hasNext={list.hasNextPage} loading={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()} count={rows.length} />
          </>
        ) : null}
      </section>
    </Page>
  );
}
