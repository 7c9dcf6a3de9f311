import { useMemo } from 'react';
import { Link, NavLink } from 'react-router';
import { useTranslation } from 'react-i18next';
import { CASE_PHASES, PRIORITIES } from '#domain';
import { api, query } from '../../shared/api.js';
import { ListResults, LoadMore, useCursorList, useUrlFilters } from '../../shared/lists.js';
import { Page, SelectField, categoryOptions, provinceOptions, useFormat } from '../../shared/ui.js';
import { useAuth, useUser } from '../../staff/auth.js';
import { caseKeys } from './hooks.js';
import type { CasePage, CaseRow } from './types.js';
import { DueBadge } from './badges.js';

const PAGE_SIZE = 50;
const OPEN_PHASES = CASE_PHASES.filter((phase) => phase !== 'closed');
const SORTS = ['openedAt', '-openedAt', 'dueAt', '-dueAt', 'caseNo', '-caseNo', '-priority', 'priority', '-lastEventAt', '-reporterActivityAt'] as const;

/** The tabs above the queue: every case, and (for supervisors) the closures awaiting approval. */
export function QueueTabs() {
  const { t } = useTranslation('cases');
  const { hasRole } = useAuth();
  if (!hasRole('supervisor')) return null;
  return (
    <nav aria-label={t('queue.tabs')} className="row small">
      <NavLink to="/cases" end>
        {t('queue.tabAll')}
      </NavLink>
      <NavLink to="/cases/approvals">{t('queue.tabApprovals')}</NavLink>
    </nav>
  );
}

/**
 * The case work queue: filters and sort live in the URL (codes only, never personal data), pages come from the
 * server by cursor (`next`), 50 at a time, so the list stays quick with any number of cases.
 */
export function CaseQueue({ approvals = false }: { approvals?: boolean }) {
  const { t } = useTranslation('cases');
  const format = useFormat();
  const me = useUser();
  const { filters, setFilter: set, clear } = useUrlFilters({ phase: 'open', priority: '', province: '', category: '', mine: '', overdue: '', activity: '', sort: '' });
  const { phase, priority, province, category, sort: sortParam } = filters;
  const mine = filters.mine === '1';
  const overdue = filters.overdue === '1';
  const activity = filters.activity === '1';
  const sort = (SORTS as readonly string[]).includes(sortParam) ? sortParam : approvals ? 'dueAt' : 'openedAt';

  const params = useMemo(
    () => ({
      phase: approvals ? ['decision'] : phase === 'all' ? undefined : phase === 'open' ? OPEN_PHASES : [phase],
      priority: priority || undefined,
      province: province || undefined,
      category: category || undefined,
      assignee: mine ? me.userId : undefined,
      overdue: overdue ? 'true' : undefined,
      newReporterActivity: activity ? 'true' : undefined,
      sort,
    }),
    [approvals, phase, priority, province, category, mine, me.userId, overdue, activity, sort],
  );

  const { list, items: rows } = useCursorList([...caseKeys.list, params], (after, { signal }) => api<CasePage>(`/cases${query({ ...params, limit: PAGE_SIZE, after })}`, { signal }));

  const any = t('queue.any');
  const phaseOptions = [
    { value: 'open', label: t('queue.phaseOpen') },
    { value: 'all', label: t('queue.phaseAll') },
    ...CASE_PHASES.map((value) => ({ value, label: format.code('phase', value) })),
  ];

  return (
    <Page title={approvals ? t('queue.approvalsTitle') : t('queue.title')}>
      <QueueTabs />
      {approvals ? <p className="muted">{t('queue.approvalsHint')}</p> : null}
      <form className="card" aria-label={t('queue.filters')} onSubmit={(event) => event.preventDefault()}>
        <div className="row">
          {approvals ? null : <SelectField label={t('queue.phase')} name="phase" options={phaseOptions} value={phase} onChange={(e) => set('phase', e.target.value === 'open' ? '' : e.target.value)} />}
          <SelectField label={t('queue.priority')} name="priority" placeholder={any} options={PRIORITIES.map((value) => ({ value, label: format.code('priority', value) }))} value={priority} onChange={(e) => set('priority', e.target.value)} />
          <SelectField label={t('queue.province')} name="province" placeholder={any} options={provinceOptions(format.language)} value={province} onChange={(e) => set('province', e.target.value)} />
          <SelectField label={t('queue.category')} name="category" placeholder={any} options={categoryOptions(format.language)} value={category} onChange={(e) => set('category', e.target.value)} />
          <SelectField label={t('queue.sort')} name="sort" options={SORTS.map((value) => ({ value, label: t(`queue.sortOptions.${value}`) }))} value={sort} onChange={(e) => set('sort', e.target.value)} />
        </div>
        <div className="row">
          <label className="checkbox">
            <input type="checkbox" name="mine" checked={mine} onChange={(e) => set('mine', e.target.checked ? '1' : '')} /> {t('queue.mine')}
          </label>
          <label className="checkbox">
            <input type="checkbox" name="overdue" checked={overdue} onChange={(e) => set('overdue', e.target.checked ? '1' : '')} /> {t('queue.overdue')}
          </label>
          <label className="checkbox">
            <input type="checkbox" name="activity" checked={activity} onChange={(e) => set('activity', e.target.checked ? '1' : '')} /> {t('queue.reporterActivity')}
          </label>
          <button type="button" className="secondary" onClick={clear}>
            {t('queue.reset')}
          </button>
        </div>
      </form>

      <ListResults list={list} count={rows.length} empty={t('queue.empty')}>
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">{t('queue.tableCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('queue.col.caseNo')}</th>
                <th scope="col">{t('queue.col.phase')}</th>
                <th scope="col">{t('queue.col.category')}</th>
                <th scope="col">{t('queue.col.province')}</th>
                <th scope="col">{t('queue.col.priority')}</th>
                <th scope="col">{t('queue.col.assignees')}</th>
                <th scope="col">{t('queue.col.due')}</th>
                <th scope="col">{t('queue.col.opened')}</th>
                <th scope="col">{t('queue.col.activity')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <QueueRow key={row.id} row={row} />
              ))}
            </tbody>
          </table>
        </div>
      </ListResults>
      <LoadMore
        list={list}
        count={rows.length}
        status={`${rows.length > 0 ? t('queue.showing', { count: rows.length }) : ''}${rows.length > 0 && !list.hasNextPage ? ` · ${t('queue.end')}` : ''}`}
        label={t('queue.more', { limit: PAGE_SIZE })}
      />
    </Page>
  );
}

function QueueRow({ row }: { row: CaseRow }) {
  const { t } = useTranslation('cases');
  const format = useFormat();
  const me = useUser();
  const assignees =
    row.assigneeUserIds.length === 0 ? t('queue.unassigned')
    : row.assigneeUserIds.includes(me.userId) ? [t('queue.assignedToMe'), row.assigneeUserIds.length > 1 ? t('queue.people', { count: row.assigneeUserIds.length }) : ''].filter(Boolean).join(' · ')
    : t('queue.people', { count: row.assigneeUserIds.length });
  return (
    <tr>
      <td className="nowrap">
        <Link to={`/cases/${row.id}`}>{row.caseNo}</Link>
      </td>
      <td>
        {format.code('phase', row.phase)}
        {row.phase === 'decision' ? (
          <>
            {' '}
            <span className="badge badge-warn">{t('badge.pendingClosure')}</span>
          </>
        ) : null}
      </td>
      <td>{row.primaryCategory ? format.category(row.primaryCategory) : <span className="muted">{t('queue.notClassified')}</span>}</td>
      <td>{format.province(row.provinceCode)}</td>
      <td>{format.code('priority', row.priority)}</td>
      <td>{assignees}</td>
      <td>
        {row.dueAt ? format.date(row.dueAt) : t('common:state.none')} <DueBadge dueAt={row.dueAt} overdue={row.overdue} />
      </td>
      <td>{format.date(row.openedAt)}</td>
      <td>{row.newReporterActivity ? <span className="badge badge-warn">{t('queue.newMessages', { count: row.unansweredReporterMessages })}</span> : null}</td>
    </tr>
  );
}
