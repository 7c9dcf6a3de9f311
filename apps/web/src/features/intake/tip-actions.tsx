import { useInfiniteQuery, useMutation } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ACCESS_REVOCATION_REASONS, ACK_METHODS, REFERRAL_TARGETS, TIP_REJECTION_REASONS } from '#domain';
import { api, newIdempotencyKey, query, type CommandResult } from '../../shared/api.js';
import { ErrorMessage, SelectField, TextArea, TextField, useFormat } from '../../shared/ui.js';
import { useAuth, useUser } from '../../staff/auth.js';
import { isOpen, reporterAccessOpen, tipKeys, useTipRefresh, type CaseRow, type Page, type TipItem } from './api.js';
import { clientError, fieldProblem, todayInBangkok } from './form-helpers.js';
import { useOpenCase } from './open-case.js';

/** Acknowledgement methods an officer records (`on_screen_receipt` is the web form's own, recorded by the system). */
const OFFICER_ACK_METHODS = ACK_METHODS.filter((method) => method !== 'on_screen_receipt');
/** Cases a tip may be merged into: any not closed (intake officers see only those in registration or screening). */
const MERGEABLE_PHASES = ['registered', 'screening', 'fact_finding', 'inquiry', 'decision', 'referred', 'suspended'];
/** A case number as the API matches it (exactly): office, fiscal year B.E., six-digit sequence. */
const CASE_NO = /^[A-Z0-9]{2,12}-[1-9]\d{3}-\d{6}$/;

type Done = 'acknowledged_done' | 'rejected_done' | 'referred_done' | 'merged_done' | 'extended_done' | 'revoked_done';

interface Command {
  route: string;
  body: unknown;
  role?: string;
}

/** A command on the tip, sent against the version on screen (409 if it moved on), then the read model awaited. */
function useTipCommand(tip: TipItem, onDone: () => void) {
  const refresh = useTipRefresh();
  return useMutation({
    mutationFn: ({ route, body, role }: Command) => api<CommandResult>(`/tips/${tip.id}/${route}`, { body, ifMatch: tip.version, idempotencyKey: newIdempotencyKey(), role }),
    onSuccess: async (result) => {
      await refresh(tip.id, result.version);
      onDone();
    },
  });
}

/** The role to act in, named only for users who hold several (the server asks which). */
function useActingRole() {
  const user = useUser();
  return (...wanted: string[]) => (user.roles.length > 1 ? wanted.find((role) => user.roles.includes(role)) : undefined);
}

export function TipActions({ tip }: { tip: TipItem }) {
  const { t } = useTranslation('intake');
  const { hasRole } = useAuth();
  const [done, setDone] = useState<Done | null>(null);
  const open = isOpen(tip);
  const officer = hasRole('intake_officer');
  const triage = hasRole('intake_officer', 'supervisor');
  const accessActive = tip.reporterAccess === 'active';
  const accessOpen = reporterAccessOpen(tip);
  return (
    <section aria-labelledby="tip-actions">
      <h2 id="tip-actions">{t('tip.actions')}</h2>
      <div aria-live="polite">{done ? <p className="alert alert-success">{t(`tip.${done}`)}</p> : null}</div>
      {!open ? <p className="muted">{t('tip.closed')}</p> : null}
      <div className="intake-actions">
        {open && officer && tip.status === 'received' ? <Acknowledge tip={tip} onDone={() => setDone('acknowledged_done')} /> : null}
        {open && triage ? <OpenCase tip={tip} /> : null}
        {open && triage ? <Reject tip={tip} onDone={() => setDone('rejected_done')} /> : null}
        {open && triage ? <Refer tip={tip} onDone={() => setDone('referred_done')} /> : null}
        {open && triage ? <Merge tip={tip} onDone={() => setDone('merged_done')} /> : null}
        {accessActive && (triage || hasRole('custodian')) ? <ReporterAccess tip={tip} canExtend={accessOpen && triage} onDone={setDone} /> : null}
      </div>
    </section>
  );
}

function ActionCard({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section className="card" aria-labelledby={id}>
      <h3 id={id}>{title}</h3>
      {children}
    </section>
  );
}

function Acknowledge({ tip, onDone }: { tip: TipItem; onDone: () => void }) {
  const { t } = useTranslation('intake');
  const acting = useActingRole();
  const [method, setMethod] = useState('');
  const [invalid, setInvalid] = useState<unknown>(null);
  const command = useTipCommand(tip, onDone);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const error = clientError(method ? [] : [fieldProblem('method', t('tip.chooseRequired'))]);
    setInvalid(error);
    if (!error) command.mutate({ route: 'acknowledge', body: { method }, role: acting('intake_officer') });
  };
  const error = invalid ?? command.error;
  return (
    <ActionCard id="act-ack" title={t('tip.acknowledgeTitle')}>
      <form onSubmit={submit} noValidate>
        <ErrorMessage error={error} />
        <SelectField label={t('tip.ackMethod')} name="method" required placeholder={t('register.notSelected')} value={method} onChange={(e) => setMethod(e.target.value)} options={OFFICER_ACK_METHODS.map((value) => ({ value, label: t(`ackMethod.${value}`) }))} error={error} />
        <button type="submit" disabled={command.isPending}>
          {command.isPending ? t('tip.updating') : t('tip.acknowledge')}
        </button>
      </form>
    </ActionCard>
  );
}

function OpenCase({ tip }: { tip: TipItem }) {
  const { t } = useTranslation('intake');
  const openCase = useOpenCase();
  return (
    <ActionCard id="act-case" title={t('tip.openCaseTitle')}>
      <p>{t('tip.openCaseExplain')}</p>
      <ErrorMessage error={openCase.error} />
      <button type="button" disabled={openCase.isPending} onClick={() => openCase.mutate([tip.id])}>
        {openCase.isPending ? t('queue.opening') : t('tip.openCase')}
      </button>
    </ActionCard>
  );
}

function Reject({ tip, onDone }: { tip: TipItem; onDone: () => void }) {
  const { t } = useTranslation('intake');
  const acting = useActingRole();
  const [reason, setReason] = useState('');
  const [note, setNote] = useState('');
  const [invalid, setInvalid] = useState<unknown>(null);
  const command = useTipCommand(tip, onDone);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const error = clientError(reason ? [] : [fieldProblem('reason', t('tip.chooseRequired'))]);
    setInvalid(error);
    if (!error) command.mutate({ route: 'reject', body: note.trim() ? { reason, note: note.trim() } : { reason }, role: acting('intake_officer', 'supervisor') });
  };
  const error = invalid ?? command.error;
  return (
    <ActionCard id="act-reject" title={t('tip.rejectTitle')}>
      <form onSubmit={submit} noValidate>
        <ErrorMessage error={error} />
        <SelectField label={t('tip.reason')} name="reason" required placeholder={t('register.notSelected')} value={reason} onChange={(e) => setReason(e.target.value)} options={TIP_REJECTION_REASONS.map((value) => ({ value, label: t(`rejection.${value}`) }))} error={error} />
        <TextArea label={t('tip.note')} name="note" rows={2} maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} error={error} />
        <button type="submit" className="danger" disabled={command.isPending}>
          {command.isPending ? t('tip.updating') : t('tip.reject')}
        </button>
      </form>
    </ActionCard>
  );
}

function Refer({ tip, onDone }: { tip: TipItem; onDone: () => void }) {
  const { t } = useTranslation('intake');
  const acting = useActingRole();
  const [toAgency, setToAgency] = useState('');
  const [referenceNo, setReferenceNo] = useState('');
  const [invalid, setInvalid] = useState<unknown>(null);
  const command = useTipCommand(tip, onDone);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const error = clientError(toAgency ? [] : [fieldProblem('toAgency', t('tip.chooseRequired'))]);
    setInvalid(error);
    if (!error) command.mutate({ route: 'refer', body: referenceNo.trim() ? { toAgency, referenceNo: referenceNo.trim() } : { toAgency }, role: acting('intake_officer', 'supervisor') });
  };
  const error = invalid ?? command.error;
  return (
    <ActionCard id="act-refer" title={t('tip.referTitle')}>
      <form onSubmit={submit} noValidate>
        <ErrorMessage error={error} />
        <SelectField label={t('tip.toAgency')} name="toAgency" required placeholder={t('register.notSelected')} value={toAgency} onChange={(e) => setToAgency(e.target.value)} options={REFERRAL_TARGETS.map((value) => ({ value, label: t(`referral.${value}`) }))} error={error} />
        <TextField label={t('tip.referenceNo')} name="referenceNo" maxLength={100} value={referenceNo} onChange={(e) => setReferenceNo(e.target.value)} error={error} />
        <button type="submit" disabled={command.isPending}>
          {command.isPending ? t('tip.updating') : t('tip.refer')}
        </button>
      </form>
    </ActionCard>
  );
}

function Merge({ tip, onDone }: { tip: TipItem; onDone: () => void }) {
  const { t } = useTranslation('intake');
  const { code, category, province } = useFormat();
  const acting = useActingRole();
  const refresh = useTipRefresh();
  const [caseId, setCaseId] = useState('');
  const [reason, setReason] = useState('');
  const [invalid, setInvalid] = useState<unknown>(null);
  const cases = useInfiniteQuery({
    queryKey: [...tipKeys.cases],
    queryFn: ({ pageParam, signal }) => api<Page<CaseRow>>(`/cases${query({ phase: MERGEABLE_PHASES.join(','), sort: '-openedAt', limit: 50, after: pageParam })}`, { signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next,
  });
  // A case found by its number (GET /cases?caseNo=), shown first among the options and chosen.
  const [caseNo, setCaseNo] = useState('');
  const [found, setFound] = useState<CaseRow | undefined>();
  const [lookupError, setLookupError] = useState<unknown>(null);
  const lookup = useMutation({
    mutationFn: (number: string) => api<Page<CaseRow>>(`/cases${query({ caseNo: number, phase: MERGEABLE_PHASES.join(','), limit: 1 })}`),
    onSuccess: (page) => {
      const row = page.items[0];
      setFound(row);
      if (row) setCaseId(row.id);
      else setLookupError(clientError([fieldProblem('caseNo', t('tip.caseNoNotFound'))]));
    },
    onError: (e) => setLookupError(e),
  });
  const findCase = () => {
    const value = caseNo.trim().toUpperCase();
    const problem = !value ? t('tip.caseNoRequired') : !CASE_NO.test(value) ? t('tip.caseNoInvalid') : undefined;
    setFound(undefined);
    setLookupError(problem ? clientError([fieldProblem('caseNo', problem)]) : null);
    if (!problem && !lookup.isPending) lookup.mutate(value);
  };
  const merge = useMutation({
    mutationFn: () => api<CommandResult>(`/tips/${tip.id}/merge`, { body: { caseId, reason: reason.trim() }, ifMatch: tip.version, idempotencyKey: newIdempotencyKey(), role: acting('intake_officer', 'supervisor') }),
    onSuccess: async (result) => {
      await refresh(tip.id, result.version);
      onDone();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const problems = [];
    if (!caseId) problems.push(fieldProblem('caseId', t('tip.chooseRequired')));
    if (!reason.trim()) problems.push(fieldProblem('reason', t('tip.textRequired')));
    const error = clientError(problems);
    setInvalid(error);
    if (!error) merge.mutate();
  };
  const listed = cases.data?.pages.flatMap((page) => page.items) ?? [];
  const rows = found && !listed.some((row) => row.id === found.id) ? [found, ...listed] : listed;
  const error = invalid ?? merge.error;
  return (
    <ActionCard id="act-merge" title={t('tip.mergeTitle')}>
      <form onSubmit={submit} noValidate>
        <ErrorMessage error={error ?? cases.error} />
        <ErrorMessage error={lookupError} />
        <div className="row">
          <TextField
            label={t('tip.caseNo')}
            name="caseNo"
            value={caseNo}
            onChange={(e) => setCaseNo(e.target.value)}
            onKeyDown={(e) => {
              // Enter here looks the number up; it does not send the merge.
              if (e.key === 'Enter') {
                e.preventDefault();
                findCase();
              }
            }}
            hint={t('tip.caseNoHint')}
            autoComplete="off"
            spellCheck={false}
            size={24}
            error={lookupError}
          />
          <div className="field">
            <button type="button" className="secondary" disabled={lookup.isPending} onClick={findCase}>
              {lookup.isPending ? t('common:state.loading') : t('tip.findCase')}
            </button>
          </div>
        </div>
        <p className="muted small" role="status" aria-live="polite">
          {found ? t('tip.caseNoFound', { caseNo: found.caseNo }) : ''}
        </p>
        <SelectField
          label={t('tip.mergeCase')}
          name="caseId"
          required
          hint={t('tip.mergeCaseHint')}
          placeholder={cases.isPending ? t('common:state.loading') : rows.length === 0 ? t('tip.noCases') : t('register.notSelected')}
          value={caseId}
          onChange={(e) => setCaseId(e.target.value)}
          options={rows.map((row) => ({
            value: row.id,
            label: t('tip.caseOption', {
              caseNo: row.caseNo,
              phase: code('phase', row.phase),
              details: [row.primaryCategory ? category(row.primaryCategory) : '', row.provinceCode ? province(row.provinceCode) : ''].filter(Boolean).map((part) => ` · ${part}`).join(''),
            }),
          }))}
          error={error}
        />
        {cases.hasNextPage ? (
          <p>
            <button type="button" className="link-button" disabled={cases.isFetchingNextPage} onClick={() => void cases.fetchNextPage()}>
              {t('tip.moreCases')}
            </button>
          </p>
        ) : null}
        <TextArea label={t('tip.mergeReason')} name="reason" required rows={2} maxLength={2000} value={reason} onChange={(e) => setReason(e.target.value)} error={error} />
        <button type="submit" disabled={merge.isPending}>
          {merge.isPending ? t('tip.updating') : t('tip.merge')}
        </button>
      </form>
    </ActionCard>
  );
}

function ReporterAccess({ tip, canExtend, onDone }: { tip: TipItem; canExtend: boolean; onDone: (done: Done) => void }) {
  const { t } = useTranslation('intake');
  const { hasRole } = useAuth();
  const acting = useActingRole();
  const [day, setDay] = useState('');
  const [reason, setReason] = useState('');
  const [invalid, setInvalid] = useState<unknown>(null);
  const extend = useTipCommand(tip, () => onDone('extended_done'));
  const revoke = useTipCommand(tip, () => onDone('revoked_done'));
  const today = todayInBangkok();
  const canRevoke = hasRole('supervisor', 'custodian');

  const submitExtend = (event: FormEvent) => {
    event.preventDefault();
    // The last moment of the chosen day in Bangkok: the receipt works through that whole day.
    const newExpiry = day ? new Date(`${day}T23:59:59+07:00`).toISOString() : '';
    const later = !!day && day > today && (!tip.reporterAccessExpiresAt || Date.parse(newExpiry) > Date.parse(tip.reporterAccessExpiresAt));
    const error = clientError(later ? [] : [fieldProblem('newExpiry', t('tip.laterDate'))]);
    setInvalid(error);
    if (!error) extend.mutate({ route: 'extend-reporter-access', body: { newExpiry }, role: acting('intake_officer', 'supervisor') });
  };
  const submitRevoke = (event: FormEvent) => {
    event.preventDefault();
    const error = clientError(reason ? [] : [fieldProblem('reason', t('tip.chooseRequired'))]);
    setInvalid(error);
    if (!error) revoke.mutate({ route: 'revoke-reporter-access', body: { reason }, role: acting('supervisor', 'custodian') });
  };
  const extendError = invalid ?? extend.error;
  const revokeError = invalid ?? revoke.error;
  return (
    <ActionCard id="act-access" title={t('tip.accessTitle')}>
      {canExtend ? (
        <form onSubmit={submitExtend} noValidate>
          <ErrorMessage error={extend.error} />
          <TextField label={t('tip.newExpiry')} name="newExpiry" type="date" min={today} value={day} onChange={(e) => setDay(e.target.value)} error={extendError} />
          <button type="submit" disabled={extend.isPending}>
            {extend.isPending ? t('tip.updating') : t('tip.extend')}
          </button>
        </form>
      ) : (
        <p className="hint">{t('tip.extendUnavailable')}</p>
      )}
      {canRevoke ? (
        <form onSubmit={submitRevoke} noValidate>
          <ErrorMessage error={revoke.error} />
          <SelectField label={t('tip.revokeReason')} name="reason" required placeholder={t('register.notSelected')} value={reason} onChange={(e) => setReason(e.target.value)} options={ACCESS_REVOCATION_REASONS.map((value) => ({ value, label: t(`revocation.${value}`) }))} error={revokeError} />
          <button type="submit" className="danger" disabled={revoke.isPending}>
            {revoke.isPending ? t('tip.updating') : t('tip.revoke')}
          </button>
        </form>
      ) : (
        <p className="hint">{t('tip.revokeOnly')}</p>
      )}
    </ActionCard>
  );
}
