import { useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import { useInfiniteQuery, type QueryKey, type UseInfiniteQueryResult } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { ApiError } from './api.js';
import { Empty, ErrorMessage, Loading } from './ui.js';

/**
 * The pieces every server-paginated list of the staff app shares: filters kept in the URL (codes, ids and dates
 * only, never personal data), the pages of a `{items, next}` cursor route, and the "load more" button.
 */

/** One page of a list route: its rows and the cursor of the next page (absent on the last). */
export interface CursorPage<T> {
  items: T[];
  next?: string;
}

/**
 * The pages of a cursor route, fetched one at a time as the user asks for more. `fetchPage` gets the cursor and
 * react-query's context (read `signal` from it to let a page's request be aborted).
 */
export function useCursorList<T>(queryKey: QueryKey, fetchPage: (after: string | undefined, context: { signal: AbortSignal }) => Promise<CursorPage<T>>) {
  const list = useInfiniteQuery({
    queryKey,
    // The context is handed on as is: react-query cancels a query on unmount only if its signal was read.
    queryFn: (context) => fetchPage(context.pageParam, context),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: CursorPage<T>) => last.next,
  });
  return { list, items: list.data?.pages.flatMap((page) => page.items) ?? [] };
}

type CursorList = Pick<UseInfiniteQueryResult, 'hasNextPage' | 'isFetchingNextPage' | 'fetchNextPage'>;

/** The button that fetches a list's next page; shown only while there is one. */
export function MoreButton({ list, label, loadingLabel }: { list: CursorList; label?: string; loadingLabel?: string }) {
  const { t } = useTranslation();
  if (!list.hasNextPage) return null;
  return (
    <button type="button" className="secondary" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
      {list.isFetchingNextPage ? (loadingLabel ?? t('state.loading')) : (label ?? t('action.more'))}
    </button>
  );
}

/** "Load more" under a list, beside a live line saying how many rows are shown (by default "แสดง N รายการ"). */
export function LoadMore({ list, count, status, label, loadingLabel }: { list: CursorList; count: number; status?: string; label?: string; loadingLabel?: string }) {
  const { t } = useTranslation();
  return (
    <div className="row">
      <p className="muted small" role="status" aria-live="polite">
        {status ?? t('pager.showing', { count })}
      </p>
      <MoreButton list={list} label={label} loadingLabel={loadingLabel} />
    </div>
  );
}

/**
 * Filters that apply as soon as they change, kept in the URL: `filters` has one string per name (its default
 * when absent; a `flags` name is 'true' or ''), `setFilter` writes one (an empty value removes it) in place of
 * the current history entry, `clear` removes them all.
 */
export function useUrlFilters<Name extends string>(defaults: Readonly<Record<Name, string>>, flags: readonly NoInfer<Name>[] = []) {
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => {
    const out = {} as Record<Name, string>;
    for (const name of Object.keys(defaults) as Name[]) out[name] = flags.includes(name) ? (params.get(name) === 'true' ? 'true' : '') : (params.get(name) ?? defaults[name]);
    return out;
    // `defaults` and `flags` are constants of the screen: the filters change with the URL only.
  }, [params]);
  const setFilter = (name: Name, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };
  const clear = () => setParams(new URLSearchParams(), { replace: true });
  /** The props of a control bound to one filter (its `name` is the URL parameter's). */
  const bind = (name: Name) => ({ name, value: filters[name], onChange: (event: { target: { value: string } }) => setFilter(name, event.target.value) });
  return { filters, setFilter, bind, clear, params };
}

/**
 * Filters edited in a form and applied on submit: `applied` is what the URL holds (the list follows it), `draft`
 * what the form shows. `submit` runs the form's own checks (their problems are shown under the fields) and then
 * puts the trimmed values (`clean` may rewrite one) in the URL as a new history entry; `clear` empties both.
 */
export function useSubmittedFilters<Name extends string>(names: readonly Name[], options: { validate: (draft: Partial<Record<Name, string>>) => ApiError | undefined; clean?: (name: Name, value: string) => string }) {
  const [search, setSearch] = useSearchParams();
  const applied: Partial<Record<Name, string>> = {};
  for (const name of names) {
    const value = search.get(name);
    if (value) applied[name] = value;
  }
  const [draft, setDraft] = useState<Partial<Record<Name, string>>>(applied);
  const [error, setError] = useState<ApiError | undefined>();
  const set = (name: Name) => (event: { target: { value: string } }) => setDraft((current) => ({ ...current, [name]: event.target.value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const problems = options.validate(draft);
    setError(problems);
    if (problems) return;
    const next = new URLSearchParams();
    for (const [name, value] of Object.entries(draft) as [Name, string | undefined][]) if (value && value.trim()) next.set(name, options.clean ? options.clean(name, value) : value.trim());
    setSearch(next);
  };
  const clear = () => {
    setDraft({});
    setError(undefined);
    setSearch(new URLSearchParams());
  };
  /** The props of a field bound to one filter: its `name` (the field the form's own errors name), value and change. */
  const bind = (name: Name) => ({ name, value: draft[name] ?? '', onChange: set(name) });
  return { applied, draft, set, bind, error, submit, clear };
}

/** The frame of a filter form applied on submit: a card with its heading, the form's own errors, the fields, apply and clear. */
export function FilterForm({ id, title, apply, clearLabel, error, onSubmit, onClear, children }: { id: string; title: string; apply: string; clearLabel: string; error: ApiError | undefined; onSubmit: (event: FormEvent) => void; onClear: () => void; children: ReactNode }) {
  return (
    <form className="card" onSubmit={onSubmit} noValidate aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {error ? <ErrorMessage error={error} /> : null}
      <div className="grid">{children}</div>
      <div className="row">
        <button type="submit">{apply}</button>
        <button type="button" className="secondary" onClick={onClear}>
          {clearLabel}
        </button>
      </div>
    </form>
  );
}

/**
 * A list's state above its rows: loading, the read error, a note when the list is empty; `children` (the table,
 * usually with "load more") only once there are rows.
 */
export function ListResults({ list, count, empty, children }: { list: Pick<UseInfiniteQueryResult, 'isPending' | 'isError' | 'isSuccess' | 'error'>; count: number; empty?: ReactNode; children: ReactNode }) {
  return (
    <>
      {list.isPending ? <Loading /> : null}
      {list.isError ? <ErrorMessage error={list.error} /> : null}
      {list.isSuccess && count === 0 ? <Empty>{empty}</Empty> : null}
      {count > 0 ? children : null}
    </>
  );
}

/** A table that scrolls on its own on narrow screens: a caption for screen readers (if any), one row of column headings, the rows. */
export function Table({ caption, columns, children }: { caption?: string; columns: ReactNode; children: ReactNode }) {
  return (
    <div className="table-wrap">
      <table>
        {caption ? <caption className="sr-only">{caption}</caption> : null}
        <thead>
          <tr>{columns}</tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** A paged list's table (its caption for screen readers, the column headings, the rows) with "load more" beneath. */
export function PagedTable({ list, count, empty, caption, columns, children }: { list: CursorList & Parameters<typeof ListResults>[0]['list']; count: number; empty?: ReactNode; caption: string; columns: ReactNode; children: ReactNode }) {
  return (
    <ListResults list={list} count={count} empty={empty}>
      <Table caption={caption} columns={columns}>
        {children}
      </Table>
      <LoadMore list={list} count={count} />
    </ListResults>
  );
}
