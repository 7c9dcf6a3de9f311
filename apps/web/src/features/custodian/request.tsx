import { useRef, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ApiError, newIdempotencyKey, type CommandResult } from '../../shared/api.js';
import { ErrorMessage, Loading, Notice, Page, TextArea, useFormat } from '../../shared/ui.js';
import { useUser } from '../../staff/auth.js';
import { StatusBadge } from './list.js';
import { custodianKeys, type RequestDetail, type ReviewReporter } from './types.js';

const IDENTITY_FIELDS = ['fullName', 'nationalId', 'phone', 'email', 'address'] as const;

function useShown() {
  const { t } = useTranslation('custodian');
  return (value: unknown): string => {
    if (typeof value === 'string') return value;
    if (value && typeof value === 'object') return (value as { erased?: unknown }).erased === true ? t('request.erased') : t('request.sealed');
    return t('common:state.none');
  };
}

function Reporter({ item }: { item: ReviewReporter }) {
  const { t } = useTranslation('custodian');
  const shown = useShown();
  const identity = item.reporter.identity;
  const erased = identity?.erased === true;
  return (
    <li className="card">
      <p>
        <strong>{t('request.tip', { tipNo: item.tipNo ?? item.tipId.slice(0, 8) })}</strong> · {t('request.pseudonym', { name: item.reporter.pseudonym })} · {t(`request.anonymity.${item.reporter.anonymity}`)}
      </p>
      {item.reporter.contactConsent !== undefined ? <p>{t('request.contactConsent', { answer: t(item.reporter.contactConsent ? 'common:state.yes' : 'common:state.no') })}</p> : null}
      {identity && !erased ? (
        <dl className="facts">
          {IDENTITY_FIELDS.filter((field) => identity[field] !== undefined).map((field) => (
            <div key={field} style={{ display: 'contents' }}>
              <dt>{t(`request.identity.${field}`)}</dt>
              <dd>{shown(identity[field])}</dd>
            </div>
          ))}
        </dl>
      ) : (
        <p className="muted">{erased ? t('request.erased') : t('request.noIdentity')}</p>
      )}
    </li>
  );
}

type Decision = 'grant' | 'deny' | 'revoke';

/** One request: the motivation, the reporters (identities while pending), and grant / deny / revoke with reasons. */
export function RequestPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation('custodian');
  const format = useFormat();
  const me = useUser();
  const client = useQueryClient();
  const shown = useShown();
  const key = useRef(newIdempotencyKey());
  const [reason, setReason] = useState('');
  const [local, setLocal] = useState<ApiError | null>(null);
  const [done, setDone] = useState<string | null>(null);
  // Each reading is written to the case's access log: read once, not on every focus.
  const detail = useQuery({
    queryKey: custodianKeys.detail(id),
    queryFn: ({ signal }) => api<RequestDetail>(`/privacy/identity-requests/${id}`, { signal }),
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });
  const caseId = detail.data?.caseId;
  const caseNo = useQuery({
    queryKey: custodianKeys.caseNo(caseId ?? ''),
    queryFn: ({ signal }) => api<{ caseNo: string }>(`/cases/${caseId}`, { signal }),
    enabled: !!caseId,
    retry: false,
  });
  const decide = useMutation({
    mutationFn: ({ decision, version }: { decision: Decision; version: number }) =>
      api<CommandResult>(`/privacy/identity-requests/${id}/${decision}`, {
        body: decision === 'revoke' ? { reason } : { motivation: reason },
        ifMatch: version,
        idempotencyKey: key.current,
      }),
    onSuccess: async (_result, { decision }) => {
      key.current = newIdempotencyKey();
      setReason('');
      setDone(t(`request.${decision === 'grant' ? 'granted' : decision === 'deny' ? 'denied' : 'revoked'}`));
      await client.invalidateQueries({ queryKey: custodianKeys.detail(id) });
      await client.invalidateQueries({ queryKey: custodianKeys.list });
    },
    onError: (error) => {
      if (!(error instanceof ApiError && error.status === 0)) key.current = newIdempotencyKey();
      if (error instanceof ApiError && error.status === 409) void client.invalidateQueries({ queryKey: custodianKeys.detail(id) });
    },
  });

  if (detail.isPending) return <Loading />;
  if (detail.error || !detail.data) {
    return (
      <Page title={t('list.title')}>
        <ErrorMessage error={detail.error} />
        <Link to="/identity-requests">{t('request.back')}</Link>
      </Page>
    );
  }
  const request = detail.data;
  const field = request.status === 'granted' ? 'reason' : 'motivation';
  const submit = (decision: Decision) => (event?: FormEvent) => {
    event?.preventDefault();
    if (decide.isPending) return;
    const problem = reason.trim() === '' ? new ApiError(400, 'FORM.INVALID', 'form', [{ field, rule: 'form', message: t('request.required') }]) : null;
    setLocal(problem);
    setDone(null);
    if (!problem) decide.mutate({ decision, version: request.version });
  };
  const error = local ?? decide.error;
  const user = (userId: string) => (userId === me.userId ? t('list.you') : t('list.user', { id: userId.slice(0, 8) }));
  const ownRequest = request.requestedBy === me.userId;

  return (
    <Page title={t('request.title', { id: request.requestId.slice(0, 8) })} actions={<Link to="/identity-requests">{t('request.back')}</Link>}>
      <div role="status" aria-live="polite">
        {done ? <Notice kind="success">{done}</Notice> : null}
      </div>
      <section className="card" aria-labelledby="request-facts">
        <h2 id="request-facts">{t('request.facts')}</h2>
        <dl className="facts">
          <dt>{t('request.case')}</dt>
          <dd>{caseNo.data?.caseNo ?? t('request.caseUnknown', { id: request.caseId.slice(0, 8) })}</dd>
          <dt>{t('request.status')}</dt>
          <dd>
            <StatusBadge status={request.status} />
          </dd>
          <dt>{t('request.requester')}</dt>
          <dd>
            {user(request.requestedBy)}
            {request.requesterRole ? ` · ${format.code('role', request.requesterRole)}` : ''}
          </dd>
          <dt>{t('request.requestedAt')}</dt>
          <dd>{format.dateTime(request.requestedAt)}</dd>
        </dl>
        <h3>{t('request.motivation')}</h3>
        <p className="sealed-text">{shown(request.motivation)}</p>
        {request.decision ? (
          <>
            <h3>{t('request.decision')}</h3>
            <p>{t('request.decisionLine', { outcome: t(`status.${request.decision.outcome}`), by: user(request.decision.custodianUserId), at: format.dateTime(request.decision.decidedAt) })}</p>
            <p className="sealed-text">{t('request.decisionMotivation', { text: shown(request.decision.motivation) })}</p>
          </>
        ) : null}
        {request.revocation ? (
          <>
            <h3>{t('request.revocation')}</h3>
            <p>{t('request.revocationLine', { by: user(request.revocation.custodianUserId), at: format.dateTime(request.revocation.revokedAt) })}</p>
            <p className="sealed-text">{t('request.revocationReason', { text: shown(request.revocation.reason) })}</p>
          </>
        ) : null}
      </section>

      <section className="card" aria-labelledby="request-reporters">
        <h2 id="request-reporters">{t('request.reporters')}</h2>
        <p className="muted small">{t('request.reportersHint')}</p>
        {request.reporters.length === 0 ? (
          <p className="muted">{t('request.noReporters')}</p>
        ) : (
          <ul className="plain-list">
            {request.reporters.map((item) => (
              <Reporter key={item.tipId} item={item} />
            ))}
          </ul>
        )}
      </section>

      {request.status === 'pending' ? (
        <section className="card" aria-labelledby="request-decide">
          <h2 id="request-decide">{t('request.decide')}</h2>
          {ownRequest ? <Notice kind="warning">{t('request.ownRequest')}</Notice> : null}
          <form noValidate onSubmit={submit('grant')}>
            <ErrorMessage error={error} />
            <TextArea label={t('request.decideMotivation')} name="motivation" required hint={t('request.decideHint')} maxLength={2000} value={reason} onChange={(e) => setReason(e.target.value)} error={error} />
            <div className="row">
              <button type="submit" disabled={decide.isPending}>
                {t('request.grant')}
              </button>
              <button type="button" className="danger" disabled={decide.isPending} onClick={() => submit('deny')()}>
                {t('request.deny')}
              </button>
            </div>
          </form>
        </section>
      ) : null}
      {request.status === 'granted' ? (
        <section className="card" aria-labelledby="request-revoke">
          <h2 id="request-revoke">{t('request.revoke')}</h2>
          <form noValidate onSubmit={submit('revoke')}>
            <ErrorMessage error={error} />
            <TextArea label={t('request.revokeReason')} name="reason" required maxLength={2000} value={reason} onChange={(e) => setReason(e.target.value)} error={error} />
            <button type="submit" className="danger" disabled={decide.isPending}>
              {t('request.revokeSubmit')}
            </button>
          </form>
        </section>
      ) : null}
    </Page>
  );
}
