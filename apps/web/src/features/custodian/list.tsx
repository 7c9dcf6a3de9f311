import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, query } from '../../shared/api.js';
import { ListResults, LoadMore, useCursorList, useUrlFilters } from '../../shared/lists.js';
import { Page, SelectField, useFormat } from '../../shared/ui.js';
import { useUser } from '../../staff/auth.js';
import { custodianKeys, type RequestPage, type RequestStatus } from './types.js';

const PAGE_SIZE = 50;
const STATUSES = ['pending', 'granted', 'denied', 'revoked', 'all'] as const;
const SORTS = ['requestedAt', '-requestedAt', '-decidedAt'] as const;

export function StatusBadge({ status }: { status: RequestStatus }) {
  const { t } = useTranslation('custodian');
  const kind = status === 'pending' ? 'badge-warn' : status === 'granted' ? 'badge-ok' : status === 'denied' ? 'badge-danger' : '';
  return <span className={`badge ${kind}`}>{t(`status.${status}`)}</span>;
}

/** The custodian's queue: pending requests first (oldest first), other statuses on demand; cursor pages. */
export function RequestList() {
  const { t } = useTranslation('custodian');
  const format = useFormat();
  const me = useUser();
  const { filters, setFilter: set } = useUrlFilters({ status: 'pending', sort: 'requestedAt' });
  const status = (STATUSES as readonly string[]).includes(filters.status) ? filters.status : 'pending';
  const sort = (SORTS as readonly string[]).includes(filters.sort) ? filters.sort : 'requestedAt';
  const { list, items: rows } = useCursorList([...custodianKeys.list, status, sort], (after, { signal }) => api<RequestPage>(`/privacy/identity-requests${query({ status, sort, limit: PAGE_SIZE, after })}`, { signal }));
  const user = (id: string | null) => (!id ? t('common:state.none') : id === me.userId ? t('list.you') : t('list.user', { id: id.slice(0, 8) }));
  return (
    <Page title={t('list.title')}>
      <p className="muted">{t('list.intro')}</p>
      <form className="card row" onSubmit={(event) => event.preventDefault()}>
        <SelectField label={t('list.status')} name="status" options={STATUSES.map((value) => ({ value, label: t(`status.${value}`) }))} value={status} onChange={(e) => set('status', e.target.value)} />
        <SelectField label={t('list.sort')} name="sort" options={SORTS.map((value) => ({ value, label: t(`list.sortOptions.${value}`) }))} value={sort} onChange={(e) => set('sort', e.target.value)} />
      </form>
      <ListResults list={list} count={rows.length} empty={t('list.empty')}>
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">{t('list.tableCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('list.col.request')}</th>
                <th scope="col">{t('list.col.requestedAt')}</th>
                <th scope="col">{t('list.col.case')}</th>
                <th scope="col">{t('list.col.requester')}</th>
                <th scope="col">{t('list.col.status')}</th>
                <th scope="col">{t('list.col.decidedAt')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.requestId}>
                  <td>
                    <Link to={`/identity-requests/${row.requestId}`}>{t('list.open', { id: row.requestId.slice(0, 8) })}</Link>
                  </td>
                  <td>{format.dateTime(row.requestedAt)}</td>
                  <td>{t('list.caseId', { id: row.caseId.slice(0, 8) })}</td>
                  <td>
                    {user(row.requestedBy)}
                    {row.requesterRole ? ` · ${format.code('role', row.requesterRole)}` : ''}
                  </td>
                  <td>
                    <StatusBadge status={row.status} />
                  </td>
                  <td>{row.decidedAt ? format.dateTime(row.decidedAt) : t('common:state.none')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </ListResults>
      <LoadMore list={list} count={rows.length} status={rows.length > 0 ? t('list.showing', { count: rows.length }) : ''} label={t('list.more', { limit: PAGE_SIZE })} loadingLabel={t('list.more', { limit: PAGE_SIZE })} />
    </Page>
  );
}
