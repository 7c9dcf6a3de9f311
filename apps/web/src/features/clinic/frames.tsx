import { useState, type ReactNode } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery, useQueryClient, type UseInfiniteQueryResult, type UseQueryResult } from '@tanstack/react-query';
import { api, newIdempotencyKey, type ApiError, type CommandResult } from '../../shared/api.js';
import { currentFiscalYearBE } from '../../shared/format.js';
import { LoadMore, Table } from '../../shared/lists.js';
import { Empty, ErrorMessage, Loading, Notice, Page, TextField, useFormat } from '../../shared/ui.js';
import { Announcer, CommandCard, localProblems, useCheckedCommand, waitForVersion, type Versioned } from './kit.js';

/**
 * What the clinic's three registers (consultations, surveillance visits, outreach activities) share: the list
 * page, the form that registers a new one, the detail page and its command cards.
 */
export type Register = 'consultations' | 'visits' | 'activities';

/** The query key of one item of a register (a detail page's, refreshed by its commands). */
const SINGULAR: Record<Register, string> = { consultations: 'consultation', visits: 'visit', activities: 'activity' };

/** The fiscal years a register's list filters by: this year and the six before it (B.E.). */
export function recentFiscalYears(): number[] {
  return Array.from({ length: 7 }, (_, index) => currentFiscalYearBE() - index);
}

/** A register's list page: the "new" link, the filters (applied as they change), the table or a note, "load more". */
export function RegisterList({
  title,
  newLabel,
  register,
  filters,
  columns,
  list,
  count,
  children,
}: {
  title: string;
  newLabel: string;
  register: Register;
  filters: ReactNode;
  columns: ReactNode;
  list: UseInfiniteQueryResult;
  count: number;
  children: ReactNode;
}) {
  const { t } = useTranslation('clinic');
  return (
    <Page
      title={title}
      actions={
        <Link className="button" to={`/clinic/${register}/new`}>
          {newLabel}
        </Link>
      }
    >
      <form className="card filters" role="search" aria-label={t('filters.label')} onSubmit={(event) => event.preventDefault()}>
        <div className="row">{filters}</div>
      </form>
      <ErrorMessage error={list.error} />
      {list.isPending ? (
        <Loading />
      ) : count === 0 ? (
        <Empty />
      ) : (
        <Table columns={columns}>{children}</Table>
      )}
      <LoadMore list={list} count={count} />
    </Page>
  );
}

/**
 * Registers a new item (POST /{register}) with the form's own checks first: `submit(problems, build)` sends only
 * when nothing fails, waits until the item can be read, refreshes the list and opens the item's page.
 */
export function useRegisterCreate(register: Register) {
  const navigate = useNavigate();
  const client = useQueryClient();
  const [local, setLocal] = useState<ApiError | undefined>(undefined);
  const create = useMutation({
    mutationFn: async (body: Record<string, unknown>) => {
      const result = await api<CommandResult>(`/${register}`, { body, idempotencyKey: newIdempotencyKey() });
      await waitForVersion(`/${register}/${result.id}`, result.version);
      await client.invalidateQueries({ queryKey: ['clinic', register] });
      return result;
    },
    onSuccess: (result) => navigate(`/clinic/${register}/${result.id}`, { state: { created: true } }),
  });
  const submit = (problems: [field: string, message: string][], build: () => Record<string, unknown>) => {
    const invalid = localProblems(problems);
    setLocal(invalid);
    if (invalid) return;
    create.mutate(build());
  };
  return { submit, error: local ?? create.error, pending: create.isPending };
}

/** The page of a "register new" form: back link, the fields in a card, the error and the submit button. */
export function RegisterForm({ title, backLabel, register, submitLabel, onSubmit, pending, error, children }: { title: string; backLabel: string; register: Register; submitLabel: string; onSubmit: () => void; pending: boolean; error: unknown; children: ReactNode }) {
  const { t } = useTranslation('clinic');
  return (
    <Page title={title}>
      <p>
        <Link to={`/clinic/${register}`}>{backLabel}</Link>
      </p>
      <form
        className="card"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (!pending) onSubmit();
        }}
      >
        {children}
        <ErrorMessage error={error} />
        <button type="submit" disabled={pending}>
          {pending ? t('common:state.saving') : submitLabel}
        </button>
      </form>
    </Page>
  );
}

/** One item of a register as its detail page reads it. */
export function useRegisterItem<T extends Versioned>(register: Register, id: string): UseQueryResult<T> {
  return useQuery({ queryKey: ['clinic', SINGULAR[register], id], queryFn: ({ signal }) => api<T>(`/${register}/${id}`, { signal }) });
}

/**
 * A detail page's frame: back link, the "registered" note after creating it, the read error or loading state;
 * `children` draws the item once it is read.
 */
export function RegisterDetail<T>({ title, backLabel, createdLabel, register, detail, children }: { title: string; backLabel: string; createdLabel: string; register: Register; detail: UseQueryResult<T>; children: (item: T) => ReactNode }) {
  const location = useLocation();
  const created = (location.state as { created?: boolean } | null)?.created;
  return (
    <Page title={title}>
      <p>
        <Link to={`/clinic/${register}`}>{backLabel}</Link>
      </p>
      {created ? <Notice kind="success">{createdLabel}</Notice> : null}
      <ErrorMessage error={detail.error} />
      {detail.isPending ? <Loading /> : null}
      {detail.data ? children(detail.data) : null}
    </Page>
  );
}

/** The item's facts: its status first, then `children` (terms and descriptions), when it closed and last changed at the end. */
export function FactsCard({ register, status, item, note, children }: { register: Register; status: ReactNode; item: { closedAt: string | null; lastEventAt: string }; note?: string; children: ReactNode }) {
  const { t } = useTranslation('clinic');
  const { dateTime } = useFormat();
  const headingId = `${SINGULAR[register]}-facts`;
  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('detail.facts')}</h2>
      <dl className="facts">
        <dt>{t('fields.status')}</dt>
        <dd>{status}</dd>
        {children}
        {item.closedAt ? (
          <>
            <dt>{t('fields.closedAt')}</dt>
            <dd>{dateTime(item.closedAt)}</dd>
          </>
        ) : null}
        <dt>{t('fields.lastEventAt')}</dt>
        <dd>{dateTime(item.lastEventAt)}</dd>
      </dl>
      {note ? <p className="muted small">{note}</p> : null}
    </section>
  );
}

/** The commands the item's status allows, each a card; their outcome is announced above them. */
export function CommandsSection({ register, none, children }: { register: Register; none: boolean; children: ReactNode }) {
  const { t } = useTranslation('clinic');
  const headingId = `${SINGULAR[register]}-actions`;
  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId}>{t('detail.actions')}</h2>
      <Announcer>
        {none ? <p className="muted">{t('detail.noActions')}</p> : null}
        <div className="commands">{children}</div>
      </Announcer>
    </section>
  );
}

/** A command on an item of a register (POST /{register}/{id}/{command}), sent with the version shown. */
export function useRegisterCommand<Body>(register: Register, item: Versioned, command: string, message?: Parameters<typeof useCheckedCommand>[1]) {
  return useCheckedCommand<Body>(
    {
      detailPath: `/${register}/${item.id}`,
      detailKey: ['clinic', SINGULAR[register], item.id],
      listKey: ['clinic', register],
      version: item.version,
      command,
      // Escalating opens a second stream (a tip or a case): sent without If-Match (see useStreamCommand).
      withoutIfMatch: command === 'escalate',
    },
    message,
  );
}

/** A command without fields (close, no-show, escalate a visit): a card with what it does and its button. */
export function PlainCommand({ register, item, command, title, intro, submit, danger, message }: { register: Register; item: Versioned; command: string; title: string; intro: string; submit: string; danger?: boolean; message?: Parameters<typeof useCheckedCommand>[1] }) {
  const send = useRegisterCommand<Record<string, never>>(register, item, command, message);
  return <CommandCard title={title} intro={intro} submit={submit} onSubmit={() => send.submit([], () => ({}))} pending={send.pending} error={send.error} danger={danger} />;
}

/** Cancels an item with a reason (POST /{register}/{id}/cancel). */
export function CancelCommand({ register, item, title, submit }: { register: Register; item: Versioned; title: string; submit: string }) {
  const { t } = useTranslation('clinic');
  const command = useRegisterCommand<Record<string, unknown>>(register, item, 'cancel');
  const [reason, setReason] = useState('');
  return (
    <CommandCard title={title} submit={submit} onSubmit={() => command.submit([['reason', reason.trim() ? '' : t('validation.required')]], () => ({ reason: reason.trim() }))} pending={command.pending} error={command.error} danger>
      <TextField label={t('fields.cancelReason')} name="reason" required value={reason} onChange={(e) => setReason(e.target.value)} error={command.error} maxLength={500} hint={t('hints.nonPersonal')} />
    </CommandCard>
  );
}
