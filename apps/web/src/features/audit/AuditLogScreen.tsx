import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ROLES_FOR_FILTER } from './roles.js';
import { api, query, type ApiError } from '../../shared/api.js';
import { Empty, ErrorMessage, Loading, Page, SelectField, TextField, useFormat } from '../../shared/ui.js';
import { ACTOR_KINDS, AS_AUDITOR, STREAM_CATEGORIES, STREAM_ID, UUID, dayAfter, dayStart, short, type AuditLogEntry, type Page as ListPage } from './api.js';
import { ActorLabel, AuditNav } from './AuditNav.js';
import { check, fieldErrors, paramsOf } from './filters.js';
import { MoreButton } from './StreamFinder.js';

const FILTERS = ['stream', 'streamCategory', 'actorKind', 'actorRole', 'actor', 'action', 'from', 'to', 'sort'] as const;
type Filters = Partial<Record<(typeof FILTERS)[number], string>>;
const EVENT_TYPES = /^[A-Z][A-Za-z]{1,63}(,[A-Z][A-Za-z]{1,63})*$/;

/** Who did what to which stream, when: every event of every stream, newest first, filtered and paged by the server. */
export function AuditLogScreen() {
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
      check('stream', !draft.stream || STREAM_ID.test(draft.stream.trim()), t('finder.invalid')),
      check('actor', !draft.actor || UUID.test(draft.actor.trim()), t('filters.uuid')),
      check('action', !draft.action || EVENT_TYPES.test(draft.action.replace(/\s+/g, '')), t('filters.eventType')),
      check('before', !draft.from || !draft.to || draft.from <= draft.to, t('filters.range')),
    ]);
    setError(problems);
    if (problems) return;
    const next = new URLSearchParams();
    for (const [name, value] of Object.entries(draft)) if (value && value.trim()) next.set(name, name === 'action' ? value.replace(/\s+/g, '') : value.trim());
    setSearch(next);
  };

  const clear = () => {
    setDraft({});
    setError(undefined);
    setSearch(new URLSearchParams());
  };

  const list = useInfiniteQuery({
    queryKey: ['audit', 'log', applied],
    queryFn: ({ pageParam }) =>
      api<ListPage<AuditLogEntry>>(
        `/audit-log${query({
          limit: 50,
          after: pageParam,
          stream: applied.stream,
          streamCategory: applied.streamCategory,
          actorKind: applied.actorKind,
          actorRole: applied.actorRole,
          actor: applied.actor,
          action: applied.action,
          from: applied.from ? dayStart(applied.from) : undefined,
          before: applied.to ? dayAfter(applied.to) : undefined,
          sort: applied.sort,
        })}`,
        AS_AUDITOR,
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next,
  });
  const rows = list.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <Page title={t('log.title')}>
      <AuditNav />
      <form className="card" onSubmit={submit} noValidate aria-labelledby="log-filters">
        <h2 id="log-filters">{t('filters.title')}</h2>
        {error ? <ErrorMessage error={error} /> : null}
        <div className="grid">
          <TextField label={t('log.stream')} name="stream" value={draft.stream ?? ''} onChange={set('stream')} error={error} hint={t('finder.streamIdHint')} autoComplete="off" spellCheck={false} />
          <SelectField label={t('log.streamCategory')} name="streamCategory" value={draft.streamCategory ?? ''} onChange={set('streamCategory')} placeholder={t('filters.all')} options={STREAM_CATEGORIES.map((value) => ({ value, label: t(`category.${value}`) }))} />
          <SelectField label={t('log.actorKind')} name="actorKind" value={draft.actorKind ?? ''} onChange={set('actorKind')} placeholder={t('filters.all')} options={ACTOR_KINDS.map((value) => ({ value, label: t(`actorKind.${value}`) }))} />
          <SelectField label={t('log.actorRole')} name="actorRole" value={draft.actorRole ?? ''} onChange={set('actorRole')} placeholder={t('filters.all')} options={ROLES_FOR_FILTER.map((value) => ({ value, label: t(`common:role.${value}`, { defaultValue: value }) }))} />
          <TextField label={t('log.actor')} name="actor" value={draft.actor ?? ''} onChange={set('actor')} error={error} hint={t('filters.uuidHint')} autoComplete="off" spellCheck={false} />
          <TextField label={t('log.action')} name="action" value={draft.action ?? ''} onChange={set('action')} error={error} hint={t('log.actionHint')} autoComplete="off" spellCheck={false} />
          <TextField label={t('filters.from')} name="from" type="date" value={draft.from ?? ''} onChange={set('from')} error={error} />
          <TextField label={t('filters.to')} name="before" type="date" value={draft.to ?? ''} onChange={set('to')} error={error} />
          <SelectField
            label={t('filters.sort')}
            name="sort"
            value={draft.sort ?? ''}
            onChange={set('sort')}
            options={[
              { value: '', label: t('filters.newest') },
              { value: 'position', label: t('filters.oldest') },
              { value: '-recordedAt', label: t('filters.recordedNewest') },
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

      <section aria-labelledby="log-results">
        <h2 id="log-results">{t('log.results')}</h2>
        {list.isPending ? <Loading /> : null}
        {list.isError ? <ErrorMessage error={list.error} /> : null}
        {list.isSuccess && rows.length === 0 ? <Empty>{t('log.empty')}</Empty> : null}
        {rows.length > 0 ? (
          <>
            <div className="table-wrap">
              <table>
                <caption className="sr-only">{t('log.caption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('history.occurredAt')}</th>
                    <th scope="col">{t('history.recordedAt')}</th>
                    <th scope="col">{t('history.actor')}</th>
                    <th scope="col">{t('log.actionCol')}</th>
                    <th scope="col">{t('log.streamCol')}</th>
                    <th scope="col" className="num">
                      {t('history.version')}
                    </th>
                    <th scope="col">{t('history.correlation')}</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((row) => (
                    <tr key={row.id}>
                      <td>{fmt.dateTime(row.at)}</td>
                      <td>{fmt.dateTime(row.recordedAt)}</td>
                      <td>
                        <ActorLabel kind={row.actorKind} role={row.actorRole} userId={row.actorUserId} />
                      </td>
                      <td>
                        <code>{row.action}</code>
                      </td>
                      <td>
                        <span className="small muted">{t(`category.${row.streamCategory}`, { defaultValue: row.streamCategory })}</span>
                        <br />
                        <Link to={`/audit/streams/${encodeURIComponent(row.streamId)}`} title={row.streamId}>
                          {short(row.streamId, 20)}
                        </Link>
                      </td>
                      <td className="num">{row.version}</td>
                      <td>
                        <code className="small" title={row.correlationId}>
                          {short(row.correlationId, 8)}
                        </code>
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
