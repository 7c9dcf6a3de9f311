import { createContext, useContext, useId, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { ApiError, api, newIdempotencyKey, type CommandResult } from '../../shared/api.js';
import { ErrorMessage, type Option } from '../../shared/ui.js';
import { useUser } from '../../staff/auth.js';

/** The three read models this area shows; each item carries its stream version. */
export interface Versioned {
  id: string;
  version: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const OPAQUE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** A `datetime-local` value read as Bangkok time (the office's clock, whatever the device's zone) → UTC instant. */
export function bangkokToInstant(value: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) return undefined;
  const date = new Date(`${value}:00+07:00`);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Now on Bangkok's clock, as a `datetime-local` value (a sensible default for "when it happened"). */
export function bangkokNow(): string {
  return new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 16);
}

/** Today in Bangkok (YYYY-MM-DD). */
export function bangkokToday(): string {
  return bangkokNow().slice(0, 10);
}

/** One value a line, blanks dropped, duplicates dropped. */
export function lines(text: string): string[] {
  return [...new Set(text.split(/\r?\n/).map((line) => line.trim()).filter(Boolean))];
}

export const isUuid = (value: string) => UUID.test(value);
export const isOpaqueId = (value: string) => OPAQUE_ID.test(value);

/** A required list of user ids, one a line: the problem to show, or '' when every line is a UUID. */
export function userIdsProblem(t: (key: string) => string, text: string): string {
  const ids = lines(text);
  if (ids.length === 0) return t('validation.required');
  return ids.every(isUuid) ? '' : t('validation.userIds');
}

/** A `datetime-local` value that must lie in the past (Bangkok time): the problem to show, or ''. */
export function pastInstantProblem(t: (key: string) => string, value: string, required: boolean): string {
  if (!value) return required ? t('validation.required') : '';
  const instant = bangkokToInstant(value);
  if (!instant) return t('validation.dateTime');
  return instant <= new Date().toISOString() ? '' : t('validation.past');
}

/**
 * A form's own check before anything is sent: the same shape as the server's answer, so the fields show
 * either one the same way (beneath the field, listed in the alert).
 */
export function localProblems(problems: [field: string, message: string][]): ApiError | undefined {
  const failing = problems.filter(([, message]) => message);
  if (failing.length === 0) return undefined;
  return new ApiError(400, 'CLIENT.INVALID', 'invalid', failing.map(([field, message]) => ({ field, rule: 'client', message })));
}

/** Asks for one stream's read model until it shows `version` (read models follow the log within moments). */
export async function waitForVersion<T extends Versioned>(path: string, version: number): Promise<T | undefined> {
  let last: T | undefined;
  for (let attempt = 0; attempt < 12; attempt += 1) {
    try {
      last = await api<T>(path);
      if (last.version >= version) return last;
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return last;
}

/**
 * A command on a stream the user is looking at: sent with the version they saw (If-Match) and a fresh
 * Idempotency-Key per submit; afterwards the detail is re-read until it shows the new version, and the lists
 * of the area are refreshed.
 */
export function useStreamCommand<Body>(options: { detailPath: string; detailKey: QueryKey; listKey: QueryKey; version: number | undefined; command: string; onSuccess?: (result: CommandAnswer) => void; withoutIfMatch?: boolean }) {
  const client = useQueryClient();
  return useMutation({
    // On the mutation, not on `mutate`: it still runs when the form that sent it is gone (the command changed the status).
    onSuccess: options.onSuccess,
    // Someone else moved the stream on: show them what it is now, so the next try sends the right version.
    onError: (error) => {
      if (error instanceof ApiError && error.status === 409) void client.invalidateQueries({ queryKey: options.detailKey });
    },
    mutationFn: async (body: Body) => {
      const result = await api<CommandAnswer>(`${options.detailPath}/${options.command}`, {
        body: body ?? {},
        // The escalations open a second stream, and the server checks If-Match against that new stream too (409
        // every time): they are sent without it; the server still appends at the version it checked.
        ...(options.withoutIfMatch ? {} : { ifMatch: options.version }),
        idempotencyKey: newIdempotencyKey(),
      });
      const fresh = await waitForVersion<Versioned>(options.detailPath, result.version);
      if (fresh) client.setQueryData(options.detailKey, fresh);
      await client.invalidateQueries({ queryKey: options.listKey });
      await client.invalidateQueries({ queryKey: options.detailKey });
      return result;
    },
  });
}

type CommandAnswer = CommandResult & { openedId?: string; openedNo?: string; assigned?: Record<string, string> };

const AnnounceContext = createContext<(message: string) => void>(() => undefined);

/**
 * The outcome of the last command on a detail page, said in a live region that outlives the form (a command
 * usually changes the status, and with it the forms on offer).
 */
export function Announcer({ children }: { children: ReactNode }) {
  const [message, setMessage] = useState('');
  return (
    <AnnounceContext.Provider value={setMessage}>
      <div role="status" aria-live="polite">
        {message ? <div className="alert alert-success">{message}</div> : null}
      </div>
      {children}
    </AnnounceContext.Provider>
  );
}

/**
 * A stream command with the form's own checks first: `submit(problems, body)` sends only when nothing fails;
 * success is announced on the page (`message` may name what the command opened).
 */
export function useCheckedCommand<Body>(options: Omit<Parameters<typeof useStreamCommand>[0], 'onSuccess'>, message?: (result: CommandAnswer) => string) {
  const { t } = useTranslation();
  const announce = useContext(AnnounceContext);
  const mutation = useStreamCommand<Body>({ ...options, onSuccess: (result) => announce(message ? message(result) : t('state.saved')) });
  const [local, setLocal] = useState<ApiError | undefined>(undefined);
  const submit = (problems: [field: string, message: string][], build: () => Body, onDone?: (result: CommandAnswer) => void) => {
    const invalid = localProblems(problems);
    setLocal(invalid);
    if (invalid) return;
    mutation.reset();
    announce('');
    mutation.mutate(build(), { onSuccess: onDone });
  };
  return { submit, error: local ?? mutation.error, pending: mutation.isPending, done: mutation.isSuccess && !local, result: mutation.data };
}

/** A card holding one command's form: heading, fields, submit button, error and success notes. */
export function CommandCard({
  title,
  submit,
  onSubmit,
  pending,
  error,
  intro,
  children,
  danger,
}: {
  title: string;
  submit: string;
  onSubmit: () => void;
  pending: boolean;
  error: unknown;
  intro?: string;
  children?: ReactNode;
  danger?: boolean;
}) {
  const { t } = useTranslation();
  const headingId = useId();
  const handle = (event: FormEvent) => {
    event.preventDefault();
    if (!pending) onSubmit();
  };
  return (
    <section className="card" aria-labelledby={headingId}>
      <h3 id={headingId}>{title}</h3>
      {intro ? <p className="muted small">{intro}</p> : null}
      <form onSubmit={handle} noValidate>
        {children}
        <CommandError error={error} />
        <button type="submit" className={danger ? 'danger' : undefined} disabled={pending}>
          {pending ? t('state.saving') : submit}
        </button>
      </form>
    </section>
  );
}

/**
 * A command's failure. A 409 that is not a version conflict is a rule of the work refusing the command (attendance
 * first, follow-up pending …): said as such, not as "someone else changed it".
 */
export function CommandError({ error }: { error: unknown }) {
  const { t } = useTranslation('clinic');
  if (error instanceof ApiError && error.status === 409 && error.code !== 'STREAM.VERSION_CONFLICT') {
    return (
      <div className="alert alert-error" role="alert">
        <strong>{t(`rules.${error.code}`, { defaultValue: t('rules.generic') })}</strong>
        {error.message ? (
          <p className="alert-detail" lang="en">
            {error.message}
          </p>
        ) : null}
      </div>
    );
  }
  return <ErrorMessage error={error} />;
}

/** Check boxes for a multi-valued field (topics, audiences, roles): a fieldset whose legend names the field. */
export function CheckboxGroup({
  legend,
  name,
  options,
  value,
  onChange,
  error,
  required,
}: {
  legend: string;
  name: string;
  options: readonly Option[];
  value: readonly string[];
  onChange: (value: string[]) => void;
  error?: unknown;
  required?: boolean;
}) {
  const { t } = useTranslation();
  const errorId = useId();
  const message = error instanceof ApiError ? error.fieldMessage(name) : undefined;
  return (
    <fieldset className={message ? 'field-invalid' : undefined} aria-describedby={message ? errorId : undefined}>
      <legend>
        {legend}
        {required ? <span className="required"> ({t('state.required')})</span> : null}
      </legend>
      <div className="checkbox-list">
        {options.map((option) => (
          <label key={option.value} className="checkbox">
            <input
              type="checkbox"
              name={name}
              value={option.value}
              checked={value.includes(option.value)}
              onChange={(event) => onChange(event.target.checked ? [...value, option.value] : value.filter((item) => item !== option.value))}
            />{' '}
            {option.label}
          </label>
        ))}
      </div>
      {message ? (
        <p className="field-error" id={errorId}>
          {message}
        </p>
      ) : null}
    </fieldset>
  );
}

/** A single yes/no box with its label. */
export function Checkbox({ label, name, checked, onChange }: { label: string; name: string; checked: boolean; onChange: (checked: boolean) => void }) {
  return (
    <label className="checkbox">
      <input type="checkbox" name={name} checked={checked} onChange={(event) => onChange(event.target.checked)} /> {label}
    </label>
  );
}

/** A status as a badge: text always, colour only as a second signal. */
export function StatusBadge({ label, tone }: { label: string; tone?: 'ok' | 'warn' | 'danger' }) {
  return <span className={`badge${tone ? ` badge-${tone}` : ''}`}>{label}</span>;
}

/** Surveillance visits are investigative work: the API lets investigators and supervisors read and change them. */
export function useMayWorkVisits(): boolean {
  const user = useUser();
  return user.roles.some((role) => role === 'investigator' || role === 'supervisor');
}
