import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError, api, query } from '../../shared/api.js';
import { PagedTable, useCursorList } from '../../shared/lists.js';
import { ErrorMessage, Page, SelectField, TextField, useFormat } from '../../shared/ui.js';
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

/** Reference numbers as the API takes them (exact match): PACC4-2568-000011, T-PACC4-2568-000042. */
const CASE_NO = /^[A-Z0-9]{2,12}-[1-9]\d{3}-\d{6}$/;
const TIP_NO = /^T-[A-Z0-9]{2,12}-[1-9]\d{3}-\d{6}$/;

/** The stream of a case or tip number (GET /cases?caseNo=, /tips?tipNo=); undefined when the auditor finds none. */
async function streamOfNumber(number: string): Promise<string | undefined> {
  if (TIP_NO.test(number)) {
    const page = await api<ListPage<TipRow>>(`/tips${query({ tipNo: number, limit: 1 })}`, AS_AUDITOR);
    return page.items[0] ? `tip-${page.items[0].id}` : undefined;
  }
  const page = await api<ListPage<CaseRow>>(`/cases${query({ caseNo: number, limit: 1 })}`, AS_AUDITOR);
  return page.items[0] ? `case-${page.items[0].id}` : undefined;
}

/** Opens the stream of a case or tip number typed in (numbers are not personal data: they may go in the URL). */
function NumberFinder() {
  const { t } = useTranslation('audit');
  const navigate = useNavigate();
  const [number, setNumber] = useState('');
  const [local, setLocal] = useState<ApiError | undefined>();
  const fieldError = (message: string) => new ApiError(400, 'FORM.INVALID', message, [{ field: 'number', rule: 'form', message }]);
  const lookup = useMutation({
    mutationFn: streamOfNumber,
    onSuccess: (streamId) => {
      if (streamId) navigate(`/audit/streams/${encodeURIComponent(streamId)}`);
      else setLocal(fieldError(t('finder.notFound')));
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const value = number.trim().toUpperCase();
    const problem = !value ? t('finder.numberRequired') : !CASE_NO.test(value) && !TIP_NO.test(value) ? t('finder.numberInvalid') : undefined;
    setLocal(problem ? fieldError(problem) : undefined);
    if (problem || lookup.isPending) return;
    lookup.mutate(value);
  };
  const error = local ?? lookup.error ?? undefined;
  return (
    <section className="card" aria-labelledby="finder-by-number">
      <h2 id="finder-by-number">{t('finder.byNumber')}</h2>
      <form onSubmit={submit} noValidate>
        <ErrorMessage error={error} />
        <div className="row">
          <TextField
            label={t('finder.number')}
            name="number"
            value={number}
            onChange={(event) => setNumber(event.target.value)}
            error={error}
            hint={t('finder.numberHint')}
            required
            autoComplete="off"
            spellCheck={false}
            size={28}
          />
          <div className="field">
            <button type="submit" disabled={lookup.isPending}>
              {lookup.isPending ? t('common:state.loading') : t('finder.find')}
            </button>
          </div>
        </div>
      </form>
    </section>
  );
}

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
      <NumberFinder />
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
        <BrowseList key={kind} kind={kind} />
      </section>
    </Page>
  );
}

/** What the browse list shows of one row: the stream it opens, its number, its phase or status code and a date. */
interface BrowseRow {
  id: string;
  streamId: string;
  number: string;
  status: string;
  date: string;
  version: number;
}

/** The newest cases or tips, 25 at a time, each number a link to its stream. */
function BrowseList({ kind }: { kind: 'case' | 'tip' }) {
  const { t } = useTranslation('audit');
  const fmt = useFormat();
  const { list, items } = useCursorList<BrowseRow>(['audit', 'finder', kind], async (after, { signal }) => {
    if (kind === 'case') {
      const page = await api<ListPage<CaseRow>>(`/cases${query({ limit: 25, sort: '-openedAt', after })}`, { ...AS_AUDITOR, signal });
      return { next: page.next, items: page.items.map((row) => ({ id: row.id, streamId: `case-${row.id}`, number: row.caseNo, status: row.phase, date: row.openedAt, version: row.version })) };
    }
    const page = await api<ListPage<TipRow>>(`/tips${query({ limit: 25, sort: '-receivedAt', after })}`, { ...AS_AUDITOR, signal });
    return { next: page.next, items: page.items.map((row) => ({ id: row.id, streamId: `tip-${row.id}`, number: row.tipNo, status: row.status, date: row.receivedAt, version: row.version })) };
  });
  return (
    <PagedTable
      list={list}
      count={items.length}
      caption={t(kind === 'case' ? 'finder.casesCaption' : 'finder.tipsCaption')}
      columns={
        <>
          <th scope="col">{t(kind === 'case' ? 'finder.caseNo' : 'finder.tipNo')}</th>
          <th scope="col">{t(kind === 'case' ? 'finder.phase' : 'finder.status')}</th>
          <th scope="col">{t(kind === 'case' ? 'finder.openedAt' : 'finder.receivedAt')}</th>
          <th scope="col" className="num">
            {t('finder.version')}
          </th>
        </>
      }
    >
      {items.map((row) => (
        <tr key={row.id}>
          <td>
            <Link to={`/audit/streams/${row.streamId}`}>{row.number}</Link>
          </td>
          <td>{kind === 'case' ? fmt.code('phase', row.status) : t(`tipStatus.${row.status}`, { defaultValue: row.status })}</td>
          <td>{fmt.date(row.date)}</td>
          <td className="num">{row.version}</td>
        </tr>
      ))}
    </PagedTable>
  );
}
