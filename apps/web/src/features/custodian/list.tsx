import { Link, useSearchParams } from 'react-router';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, query } from '../../shared/api.js';
import { Empty, ErrorMessage, Loading, Page, SelectField, useFormat } from '../../shared/ui.js';
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
  const [search, setSearch] = useSearchParams();
  const statusParam = search.get('status') ?? 'pending';
  const status = (STATUSES as readonly string[]).includes(statusParam) ? statusParam : 'pending';
  const sortParam = search.get('sort') ?? 'requestedAt';
  const sort = (SORTS as readonly string[]).includes(sortParam) ? sortParam : 'requestedAt';
  const list = useInfiniteQuery({
    queryKey: [...custodianKeys.list, status, sort],
    queryFn: ({ pageParam, signal }) => api<RequestPage>(`/privacy/identity-requests${query({ status, sort, limit: PAGE_SIZE, after: pageParam })}`, { signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next,
  });
  const rows = list.data?.pages.flatMap((page) => page.items) ?? [];
  const set = (name: string, value: string) => {
    const next = new URLSearchParams(search);
    next.set(name, value);
    setSearch(next, { replace: true });
  };
  const user = (id: string | null) => (!id ? t('common:state.none') : id === me.userId ? t('list.you') : t('list.user', { id: id.slice(0, 8) }));
  return (
    <Page title={t('list.title')}>
      <p className="muted">{t('list.intro')}</p>
      <form className="card row" onSubmit={(event) => event.preventDefault()}>
        <SelectField label={t('list.status')} name="status" options={STATUSES.map((value) => ({ value, label: t(`status.${value}`) }))} value={status} onChange={(e) => set('status', e.target.value)} />
        <SelectField label={t('list.sort')} name="sort" options={SORTS.map((value) => ({ value, label: t(`list.sortOptions.${value}`) }))} value={sort} onChange={(e) => set('sort', e.target.value)} />
      </form>
      {list.isPending ? <Loading /> : null}
      <ErrorMessage error={list.error} />
      {list.isSuccess && rows.length === 0 ? <Empty>{t('list.empty')}</Empty> : null}
      {rows.length > 0 ? (
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
      ) : null}
      <div className="row">
        <p className="muted small" role="status" aria-live="polite">
          {rows.length > 0 ? t('list.showing', { count: rows.length }) : ''}
        </p>
        {list.hasNextPage ? (
          <button type="button" className="secondary" disabled={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
            {t('list.more', { limit: PAGE_SIZE })}
          </button>
        ) : null}
      </div>
    </Page>
  );
}
