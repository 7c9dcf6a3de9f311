import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError, api, query } from '../../shared/api.js';
import { Empty, ErrorMessage, Loading, Page, SelectField, TextField, useFormat } from '../../shared/ui.js';
import { AS_AUDITOR, STREAM_ID, UUID, type Page as ListPage } from './api.js';
import { AuditNav } from './AuditNav.js';

interface CaseRow {
  id: string;
  caseNo: string;
  phase: string;
  openedAt: string;
  version: number;
}

interface TipRow {
  id: string;
  tipNo: string;
  status: string;
  receivedAt: string;
  version: number;
}

type Kind = 'case' | 'tip';

/** Opens a stream by its id, or by picking a case or tip from the lists the auditor may read. */
export function StreamFinder() {
  const { t } = useTranslation('audit');
  const navigate = useNavigate();
  const [streamId, setStreamId] = useState('');
  const [error, setError] = useState<ApiError | undefined>();
  const [kind, setKind] = useState<Kind>('case');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const value = streamId.trim();
    const problem = !value ? t('finder.required') : UUID.test(value) ? t('finder.needsPrefix') : !STREAM_ID.test(value) ? t('finder.invalid') : undefined;
    if (problem) {
      setError(new ApiError(400, 'REQUEST.INVALID', problem, [{ field: 'streamId', rule: 'pattern', message: problem }]));
      return;
    }
    setError(undefined);
    navigate(`/audit/streams/${encodeURIComponent(value)}`);
  };

  return (
    <Page title={t('finder.title')}>
      <AuditNav />
      <section className="card" aria-labelledby="finder-by-id">
        <h2 id="finder-by-id">{t('finder.byId')}</h2>
        <form onSubmit={submit} noValidate>
          {error ? <ErrorMessage error={error} /> : null}
          <div className="row">
            <TextField
              label={t('finder.streamId')}
              name="streamId"
              value={streamId}
              onChange={(event) => setStreamId(event.target.value)}
              error={error}
              hint={t('finder.streamIdHint')}
              required
              autoComplete="off"
              spellCheck={false}
              size={48}
            />
            <div className="field">
              <button type="submit">{t('finder.open')}</button>
            </div>
          </div>
        </form>
      </section>
      <section className="card" aria-labelledby="finder-browse">
        <h2 id="finder-browse">{t('finder.browse')}</h2>
        <p className="muted small">{t('finder.browseHint')}</p>
        <SelectField
          label={t('finder.kind')}
          name="kind"
          value={kind}
          onChange={(event) => setKind(event.target.value === 'tip' ? 'tip' : 'case')}
          options={[
            { value: 'case', label: t('finder.kindCase') },
            { value: 'tip', label: t('finder.kindTip') },
          ]}
        />
        {kind === 'case' ? <CaseList /> : <TipList />}
      </section>
    </Page>
  );
}

function CaseList() {
  const { t } = useTranslation('audit');
  const fmt = useFormat();
  const list = useInfiniteQuery({
    queryKey: ['audit', 'finder', 'cases'],
    queryFn: ({ pageParam }) => api<ListPage<CaseRow>>(`/cases${query({ limit: 25, sort: '-openedAt', after: pageParam })}`, AS_AUDITOR),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next,
  });
  if (list.isPending) return <Loading />;
  if (list.isError) return <ErrorMessage error={list.error} />;
  const rows = list.data.pages.flatMap((page) => page.items);
  if (rows.length === 0) return <Empty />;
  return (
    <>
      <div className="table-wrap">
        <table>
          <caption className="sr-only">{t('finder.casesCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('finder.caseNo')}</th>
              <th scope="col">{t('finder.phase')}</th>
              <th scope="col">{t('finder.openedAt')}</th>
              <th scope="col" className="num">
                {t('finder.version')}
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id}>
                <td>
                  <Link to={`/audit/streams/case-${row.id}`}>{row.caseNo}</Link>
                </td>
                <td>{fmt.code('phase', row.phase)}</td>
                <td>{fmt.date(row.openedAt)}</td>
                <td className="num">{row.version}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <MoreButton hasNext={list.hasNextPage} loading={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()} count={rows.length} />
    </>
  );
}

function TipList() {
  const { t } = useTranslation('audit');
  const fmt = useFormat();
  const list = useInfiniteQuery({
    queryKey: ['audit', 'finder', 'tips'],
    queryFn: ({ pageParam }) => api<ListPage<TipRow>>(`/tips${query({ limit: 25, sort: '-receivedAt', after: pageParam })}`, AS_AUDITOR),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next,
  });
  if (list.isPending) return <Loading />;
  if (list.isError) return <ErrorMessage error={list.error} />;
  const rows = list.data.pages.flatMap((page) => page.items);
  if (rows.length === 0) return <Empty />;
  return (
    <>
      <div className="table-wrap">
        <table>
          <caption className="sr-only">{t('finder.tipsCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('finder.tipNo')}</th>
              <th scope="col">{t('finder.status')}</th>
              <th scope="col">{t('finder.receivedAt')}</th>
              <th scope="col" className="num">
                {t('finder.version')}
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id}>
                <td>
                  <Link to={`/audit/streams/tip-${row.id}`}>{row.tipNo}</Link>
                </td>
                <td>{t(`tipStatus.${row.status}`, { defaultValue: row.status })}</td>
                <td>{fmt.date(row.receivedAt)}</td>
                <td className="num">{row.version}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <MoreButton hasNext={list.hasNextPage} loading={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()} count={rows.length} />
    </>
  );
}

/** "Load more" under a server-paginated list, with the count shown so far announced. */
export function MoreButton({ hasNext, loading, onClick, count }: { hasNext: boolean; loading: boolean; onClick: () => void; count: number }) {
  const { t } = useTranslation('audit');
  return (
    <div className="row">
      <p className="muted small" role="status" aria-live="polite">
        {t('common:pager.showing', { count })}
      </p>
      {hasNext ? (
        <button type="button" className="secondary" onClick={onClick} disabled={loading}>
          {loading ? t('common:state.loading') : t('common:action.more')}
        </button>
      ) : null}
    </div>
  );
}
