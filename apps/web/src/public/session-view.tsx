import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../shared/api.js';
import { Loading, Page, TextArea, useFormat } from '../shared/ui.js';
import { FormProblem } from './form-problem.js';
import { IdentityFields } from './identity-fields.js';
import { ReceiptCard } from './receipt-card.js';
import { CLIENT_VALIDATION, EMPTY_IDENTITY, clientProblems, identityProblems, problem, reporterApi, waitMinutes, type IdentityInput, type ReporterSession, type ReporterTipView } from './reporter-api.js';

type Sent = 'message' | 'file' | 'identity' | null;

/**
 * The reporter's own report, opened with the receipt: status and stages, the thread with the office, files,
 * identity, receipt rotation and leaving. The token stays in memory; a 401 anywhere sends the reporter back to
 * the receipt form.
 */
export function SessionView({ session, onSessionChange, onExpired, onEnded }: { session: ReporterSession; onSessionChange: (session: ReporterSession) => void; onExpired: () => void; onEnded: () => void }) {
  const { t } = useTranslation('reporter');
  const [tip, setTip] = useState<ReporterTipView | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [rotated, setRotated] = useState<string | null>(null);
  const [sent, setSent] = useState<Sent>(null);
  const token = session.token;

  /** A failure that ended the session (expired, ended elsewhere, receipt rotated in another tab). */
  const expiredBy = useCallback(
    (error: unknown) => {
      if (error instanceof ApiError && error.status === 401) {
        onExpired();
        return true;
      }
      return false;
    },
    [onExpired],
  );

  const load = useCallback(
    async (signal?: AbortSignal) => {
      try {
        const view = await reporterApi.tip(token, signal);
        setTip(view);
        setLoadError(null);
      } catch (error) {
        if (error instanceof DOMException && error.name === 'AbortError') return;
        if (!expiredBy(error)) setLoadError(error);
      }
    },
    [token, expiredBy],
  );

  useEffect(() => {
    const controller = new AbortController();
    void load(controller.signal);
    return () => controller.abort();
  }, [load]);

  const end = async () => {
    try {
      await reporterApi.end(token);
    } catch {
      // the token is dropped here whatever the server says
    }
    onEnded();
  };

  if (rotated) {
    return (
      <Page title={t('receipt.rotatedTitle')}>
        <ReceiptCard
          receipt={rotated}
          tipNo={session.tipNo}
          rotated
          actions={(confirmed) => (
            <button type="button" disabled={!confirmed} onClick={() => setRotated(null)}>
              {t('receipt.continue')}
            </button>
          )}
        />
      </Page>
    );
  }

  const done = (what: Sent) => {
    setSent(what);
    void load();
  };

  return (
    <Page
      title={t('session.title', { tipNo: session.tipNo })}
      actions={
        <button type="button" className="secondary" onClick={() => void end()}>
          {t('session.end')}
        </button>
      }
    >
      <p className="muted small">{t('session.privacy')}</p>
      <div role="status" aria-live="polite">
        {sent === 'message' ? <p className="alert alert-success">{t('session.sent')}</p> : null}
        {sent === 'file' ? <p className="alert alert-success">{t('session.attached')}</p> : null}
        {sent === 'identity' ? <p className="alert alert-success">{t('session.identitySent')}</p> : null}
      </div>
      {loadError ? <FormProblem error={loadError} /> : null}
      {!tip ? (
        loadError ? null : <Loading />
      ) : (
        <>
          <StatusSection tip={tip} onRefresh={() => void load()} />
          <ThreadSection tip={tip} token={token} expiredBy={expiredBy} onSent={() => done('message')} />
          <FilesSection tip={tip} token={token} expiredBy={expiredBy} onSent={() => done('file')} />
          <IdentitySection tip={tip} token={token} expiredBy={expiredBy} onSent={() => done('identity')} />
          <RotateSection
            token={token}
            expiredBy={expiredBy}
            onRotated={(answer) => {
              onSessionChange({ token: answer.token, expiresAt: answer.expiresAt, tipNo: session.tipNo });
              setSent(null);
              setRotated(answer.receipt);
            }}
          />
        </>
      )}
    </Page>
  );
}

function StatusSection({ tip, onRefresh }: { tip: ReporterTipView; onRefresh: () => void }) {
  const { t } = useTranslation('reporter');
  const { date, dateTime } = useFormat();
  return (
    <section className="card" aria-labelledby="status-title">
      <div className="section-head">
        <h2 id="status-title">{t('session.statusTitle')}</h2>
        <button type="button" className="link-button" onClick={onRefresh}>
          {t('session.refresh')}
        </button>
      </div>
      <dl className="facts">
        <dt>{t('session.currentStage')}</dt>
        <dd>
          <span className={`badge ${tip.stage === 'closed' ? 'badge-ok' : 'badge-warn'}`}>{t(`session.stage.${tip.stage}`)}</span>
        </dd>
        <dt>{t('session.submittedAt')}</dt>
        <dd>{dateTime(tip.submittedAt)}</dd>
        <dt>{t('session.identified')}</dt>
        <dd>{tip.identified ? t('session.identifiedYes') : t('session.identifiedNo')}</dd>
        {tip.accessExpiresAt ? (
          <>
            <dt>{t('session.accessUntil')}</dt>
            <dd>
              {date(tip.accessExpiresAt)}
              <br />
              <span className="hint">{t('session.accessNote')}</span>
            </dd>
          </>
        ) : null}
      </dl>
      <h3>{t('session.stages')}</h3>
      <ol className="timeline">
        {tip.stages.map((stage) => (
          <li key={`${stage.stage}-${stage.at}`}>
            <strong>{t(`session.stage.${stage.stage}`)}</strong> <span className="muted">{dateTime(stage.at)}</span>
          </li>
        ))}
      </ol>
      {tip.outcome ? (
        <>
          <h3>{t('session.outcomeTitle')}</h3>
          <p className="muted">{t('session.outcomeClosedAt', { date: date(tip.outcome.closedAt) })}</p>
          <p className="prewrap">{tip.outcome.statement ?? t('session.outcomeNone')}</p>
        </>
      ) : null}
    </section>
  );
}

interface WriteProps {
  tip: ReporterTipView;
  token: string;
  expiredBy: (error: unknown) => boolean;
  onSent: () => void;
}

/** What a reporter needs to read when a write is refused for a reason of the report, not of the form. */
function useWriteProblem() {
  const { t } = useTranslation('reporter');
  return (error: ApiError): string | undefined => {
    if (error.status === 429) {
      const minutes = waitMinutes(error);
      return minutes ? t('session.writeLimit', { minutes }) : t('session.writeLimitSoon');
    }
    if (error.status === 410) return t('session.erasedTip');
    if (error.status === 409 && error.code !== 'TIP.ATTACHMENT_LIMIT' && error.code !== 'TIP.ATTACHMENT_BYTES_LIMIT') return t('session.closedWrites');
    return undefined;
  };
}

function ThreadSection({ tip, token, expiredBy, onSent }: WriteProps) {
  const { t } = useTranslation('reporter');
  const { dateTime } = useFormat();
  const writeProblem = useWriteProblem();
  const [body, setBody] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const asked = tip.thread.some((item) => item.kind === 'question');

  const send = async (event: FormEvent) => {
    event.preventDefault();
    const invalid = clientProblems(body.trim() ? [] : [problem('body', t('session.messageRequired'))]);
    setError(invalid);
    if (invalid) return;
    setBusy(true);
    try {
      await reporterApi.postMessage(token, body);
      setBody('');
      onSent();
    } catch (failure) {
      if (!expiredBy(failure)) setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="thread-title">
      <h2 id="thread-title">{t('session.threadTitle')}</h2>
      {asked ? <p className="hint">{t('session.questionHint')}</p> : null}
      {tip.thread.length === 0 ? (
        <p className="muted">{t('session.threadEmpty')}</p>
      ) : (
        <ol className="thread">
          {tip.thread.map((item, index) => (
            <li key={item.messageId ?? `${item.kind}-${item.at}-${index}`} className={`thread-item thread-${item.kind}`}>
              <p className="thread-meta">
                <strong>{t(`session.kind.${item.kind}`)}</strong> <span className="muted">{dateTime(item.at)}</span>
              </p>
              {item.erased || item.body === null ? <p className="muted">{t('session.erased')}</p> : <p className="prewrap">{item.body}</p>}
            </li>
          ))}
        </ol>
      )}
      <FormProblem error={error} special={writeProblem} />
      <form onSubmit={(event) => void send(event)} noValidate>
        <TextArea label={t('session.messageLabel')} name="body" required maxLength={10000} rows={4} hint={t('session.messageHint')} value={body} onChange={(e) => setBody(e.target.value)} error={error} />
        <button type="submit" disabled={busy}>
          {busy ? t('session.sending') : t('session.send')}
        </button>
      </form>
    </section>
  );
}

function FilesSection({ tip, token, expiredBy, onSent }: WriteProps) {
  const { t } = useTranslation('reporter');
  const { date, number } = useFormat();
  const writeProblem = useWriteProblem();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  const fileProblem = (failure: ApiError): string | undefined => {
    if (failure.status === 413) return t('session.fileTooLarge');
    if (failure.status === 415) return t('session.fileType');
    if (failure.status === 422) return t('session.fileEmpty');
    if (failure.code === 'TIP.ATTACHMENT_LIMIT' || failure.code === 'TIP.ATTACHMENT_BYTES_LIMIT') return t('session.fileLimit');
    return writeProblem(failure);
  };

  const attach = async (event: FormEvent) => {
    event.preventDefault();
    const file = input.current?.files?.[0];
    const invalid = clientProblems(!file ? [problem('file', t('session.fileRequired'))] : file.size === 0 ? [problem('file', t('session.fileEmpty'))] : []);
    setError(invalid);
    if (invalid || !file) return;
    setBusy(true);
    try {
      await reporterApi.attach(token, file);
      if (input.current) input.current.value = '';
      onSent();
    } catch (failure) {
      if (!expiredBy(failure)) setError(failure);
    } finally {
      setBusy(false);
    }
  };

  const fieldMessage = error instanceof ApiError ? error.fieldMessage('file') : undefined;

  return (
    <section className="card" aria-labelledby="files-title">
      <h2 id="files-title">{t('session.filesTitle')}</h2>
      {tip.attachments.length === 0 ? (
        <p className="muted">{t('session.filesEmpty')}</p>
      ) : (
        <ul className="file-list">
          {tip.attachments.map((file) => (
            <li key={file.attachmentId}>
              <span className="file-name">{file.erased || file.fileName === null ? t('session.fileErased') : file.fileName}</span>{' '}
              <span className="muted small">
                {t('session.bytes', { size: number(Math.max(1, Math.round(file.byteLength / 1024))) })} · {t('session.fileAdded', { date: date(file.addedAt) })}
              </span>{' '}
              <span className={`badge ${file.scan === 'infected' ? 'badge-danger' : file.scan === 'verified' ? 'badge-ok' : ''}`}>{t(`session.scan.${file.scan}`)}</span>
            </li>
          ))}
        </ul>
      )}
      <FormProblem error={error instanceof ApiError && error.code === CLIENT_VALIDATION ? null : error} special={fileProblem} />
      <form onSubmit={(event) => void attach(event)} noValidate>
        <div className={`field${fieldMessage ? ' field-invalid' : ''}`}>
          <label htmlFor="reporter-file">{t('session.file')}</label>
          <input id="reporter-file" ref={input} type="file" name="file" aria-describedby={`reporter-file-hint${fieldMessage ? ' reporter-file-error' : ''}`} aria-invalid={fieldMessage ? true : undefined} />
          <p className="hint" id="reporter-file-hint">
            {t('session.fileHint')}
          </p>
          {fieldMessage ? (
            <p className="field-error" id="reporter-file-error">
              {fieldMessage}
            </p>
          ) : null}
        </div>
        <button type="submit" disabled={busy}>
          {busy ? t('session.attaching') : t('session.attach')}
        </button>
      </form>
    </section>
  );
}

function IdentitySection({ tip, token, expiredBy, onSent }: WriteProps) {
  const { t } = useTranslation('reporter');
  const writeProblem = useWriteProblem();
  const [open, setOpen] = useState(false);
  const [identity, setIdentity] = useState<IdentityInput>(EMPTY_IDENTITY);
  const [consent, setConsent] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const invalid = clientProblems(
      identityProblems(identity, { fullName: t('form.required.fullName'), nationalId: t('form.badNationalId'), phone: t('form.badPhone'), email: t('form.badEmail'), tooLong: t('form.tooLong') }),
    );
    setError(invalid);
    if (invalid) return;
    setBusy(true);
    try {
      await reporterApi.identify(token, identity, consent);
      setIdentity(EMPTY_IDENTITY);
      setOpen(false);
      onSent();
    } catch (failure) {
      if (!expiredBy(failure)) setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="identity-title">
      <h2 id="identity-title">{t('session.identityTitle')}</h2>
      {tip.identified ? (
        <p>{t('session.identityDone')}</p>
      ) : (
        <>
          <p>{t('session.identityExplain')}</p>
          {!open ? (
            <button type="button" className="secondary" onClick={() => setOpen(true)}>
              {t('session.identityOpen')}
            </button>
          ) : (
            <form onSubmit={(event) => void submit(event)} noValidate>
              <FormProblem error={error} special={writeProblem} />
              <IdentityFields value={identity} onChange={setIdentity} error={error} />
              <p className="checkbox-line">
                <label>
                  <input type="checkbox" checked={consent} onChange={(e) => setConsent(e.target.checked)} /> {t('form.contactConsent')}
                </label>
              </p>
              <div className="row">
                <button type="submit" disabled={busy}>
                  {t('session.identitySubmit')}
                </button>
                <button type="button" className="secondary" onClick={() => setOpen(false)} disabled={busy}>
                  {t('common:action.cancel')}
                </button>
              </div>
            </form>
          )}
        </>
      )}
    </section>
  );
}

function RotateSection({ token, expiredBy, onRotated }: { token: string; expiredBy: (error: unknown) => boolean; onRotated: (answer: { receipt: string; token: string; expiresAt: string }) => void }) {
  const { t } = useTranslation('reporter');
  const writeProblem = useWriteProblem();
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const rotate = async () => {
    setBusy(true);
    setError(null);
    try {
      const answer = await reporterApi.rotate(token);
      onRotated(answer);
    } catch (failure) {
      if (!expiredBy(failure)) setError(failure);
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="rotate-title">
      <h2 id="rotate-title">{t('session.rotateTitle')}</h2>
      <p>{t('session.rotateExplain')}</p>
      <FormProblem error={error} special={writeProblem} />
      {!confirming ? (
        <button type="button" className="secondary" onClick={() => setConfirming(true)}>
          {t('session.rotate')}
        </button>
      ) : (
        <div className="row">
          <button type="button" className="danger" disabled={busy} onClick={() => void rotate()}>
            {t('session.rotateConfirm')}
          </button>
          <button type="button" className="secondary" disabled={busy} onClick={() => setConfirming(false)}>
            {t('session.rotateCancel')}
          </button>
        </div>
      )}
    </section>
  );
}
