import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { ROLES_FOR_FILTER } from './roles.js';
import { api, query } from '../../shared/api.js';
import { FilterForm, PagedTable, useCursorList, useSubmittedFilters, type CursorPage } from '../../shared/lists.js';
import { Page, SelectField, TextField, useFormat } from '../../shared/ui.js';
import { ACTOR_KINDS, AS_AUDITOR, STREAM_CATEGORIES, STREAM_ID, UUID, dayAfter, dayStart, short, type AuditLogEntry } from './api.js';
import { ActorLabel, AuditNav } from './AuditNav.js';
import { check, fieldErrors } from './filters.js';

const FILTERS = ['stream', 'streamCategory', 'actorKind', 'actorRole', 'actor', 'action', 'from', 'to', 'sort'] as const;
const EVENT_TYPES = /^[A-Z][A-Za-z]{1,63}(,[A-Z][A-Za-z]{1,63})*$/;

/** Who did what to which stream, when: every event of every stream, newest first, filtered and paged by the server. */
export function AuditLogScreen() {
  const { t } = useTranslation('audit');
  const fmt = useFormat();
  const { applied, draft, set, bind, error, submit, clear } = useSubmittedFilters(FILTERS, {
    validate: (draft) =>
      fieldErrors([
        check('stream', !draft.stream || STREAM_ID.test(draft.stream.trim()), t('finder.invalid')),
        check('actor', !draft.actor || UUID.test(draft.actor.trim()), t('filters.uuid')),
        check('action', !draft.action || EVENT_TYPES.test(draft.action.replace(/\s+/g, '')), t('filters.eventType')),
        check('before', !draft.from || !draft.to || draft.from <= draft.to, t('filters.range')),
      ]),
    // Event types are written without spaces ("CaseOpened,CaseClosed").
    clean: (name, value) => (name === 'action' ? value.replace(/\s+/g, '') : value.trim()),
  });

  const { list, items: rows } = useCursorList(['audit', 'log', applied], (after) =>
    api<CursorPage<AuditLogEntry>>(
      `/audit-log${query({
        limit: 50,
        after,
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
  );

  return (
    <Page title={t('log.title')}>
      <AuditNav />
      <FilterForm id="log-filters" title={t('filters.title')} apply={t('filters.apply')} clearLabel={t('filters.clear')} error={error} onSubmit={submit} onClear={clear}>
        <TextField label={t('log.stream')} {...bind('stream')} error={error} hint={t('finder.streamIdHint')} autoComplete="off" spellCheck={false} />
        <SelectField label={t('log.streamCategory')} {...bind('streamCategory')} placeholder={t('filters.all')} options={STREAM_CATEGORIES.map((value) => ({ value, label: t(`category.${value}`) }))} />
        <SelectField label={t('log.actorKind')} {...bind('actorKind')} placeholder={t('filters.all')} options={ACTOR_KINDS.map((value) => ({ value, label: t(`actorKind.${value}`) }))} />
        <SelectField label={t('log.actorRole')} {...bind('actorRole')} placeholder={t('filters.all')} options={ROLES_FOR_FILTER.map((value) => ({ value, label: t(`common:role.${value}`, { defaultValue: value }) }))} />
        <TextField label={t('log.actor')} {...bind('actor')} error={error} hint={t('filters.uuidHint')} autoComplete="off" spellCheck={false} />
        <TextField label={t('log.action')} {...bind('action')} error={error} hint={t('log.actionHint')} autoComplete="off" spellCheck={false} />
        <TextField label={t('filters.from')} type="date" {...bind('from')} error={error} />
        <TextField label={t('filters.to')} name="before" type="date" value={draft.to ?? ''} onChange={set('to')} error={error} />
        <SelectField
          label={t('filters.sort')}
          {...bind('sort')}
          options={[
            { value: '', label: t('filters.newest') },
            { value: 'position', label: t('filters.oldest') },
            { value: '-recordedAt', label: t('filters.recordedNewest') },
          ]}
        />
      </FilterForm>

      <section aria-labelledby="log-results">
        <h2 id="log-results">{t('log.results')}</h2>
        <PagedTable
          list={list}
          count={rows.length}
          empty={t('log.empty')}
          caption={t('log.caption')}
          columns={
            <>
              <th scope="col">{t('history.occurredAt')}</th>
              <th scope="col">{t('history.recordedAt')}</th>
              <th scope="col">{t('history.actor')}</th>
              <th scope="col">{t('log.actionCol')}</th>
              <th scope="col">{t('log.streamCol')}</th>
              <th scope="col" className="num">
                {t('history.version')}
              </th>
              <th scope="col">{t('history.correlation')}</th>
            </>
          }
        >
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
        </PagedTable>
      </section>
    </Page>
  );
}
