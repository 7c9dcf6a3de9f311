import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, type FieldProblem } from '../shared/api.js';
import { Notice, Page, TextField } from '../shared/ui.js';
import { FormProblem } from './form-problem.js';
import { clientProblems, problem, reporterApi, type ReporterSession } from './reporter-api.js';

const RECEIPT = /^\d{16}$/;
const TIP_NO = /^T-[A-Z0-9]{2,12}-\d{4}-\d{6}$/;

/**
 * Opens a reporter session with the receipt. A wrong receipt gets one sentence whatever the reason (unknown,
 * rotated, expired): nothing hints whether a report exists.
 */
export function FollowUpLogin({ notice, onSession, onBack }: { notice?: 'expired'; onSession: (session: ReporterSession) => void; onBack: () => void }) {
  const { t } = useTranslation('reporter');
  const [receipt, setReceipt] = useState('');
  const [tipNo, setTipNo] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found: FieldProblem[] = [];
    const digits = receipt.replace(/[\s-]/g, '');
    const number = tipNo.trim().toUpperCase();
    if (!RECEIPT.test(digits)) found.push(problem('receipt', t('login.badReceipt')));
    if (number && !TIP_NO.test(number)) found.push(problem('tipNo', t('login.badTipNo')));
    const invalid = clientProblems(found);
    setError(invalid);
    if (invalid) return;
    setBusy(true);
    try {
      const session = await reporterApi.openSession(digits.replace(/(\d{4})(?=\d)/g, '$1 '), number || undefined);
      setReceipt('');
      onSession({ token: session.token, expiresAt: session.expiresAt, tipNo: session.tipNo });
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  };

  const special = (failure: ApiError): string | undefined => {
    if (failure.status === 401) return t('login.invalid');
    if (failure.status === 429) return failure.retryAfterSeconds ? t('login.throttled', { seconds: failure.retryAfterSeconds }) : t('login.throttledSoon');
    return undefined;
  };

  return (
    <Page title={t('login.title')}>
      {notice === 'expired' ? <Notice kind="warning">{t('login.expired')}</Notice> : null}
      <p>{t('login.intro')}</p>
      <FormProblem error={error} special={special} />
      <form className="card" onSubmit={(event) => void submit(event)} noValidate>
        <TextField
          label={t('login.receipt')}
          name="receipt"
          required
          inputMode="numeric"
          autoComplete="off"
          spellCheck={false}
          maxLength={24}
          hint={t('login.receiptHint')}
          className="receipt-input"
          value={receipt}
          onChange={(e) => setReceipt(e.target.value)}
          error={error}
        />
        <TextField label={t('login.tipNo')} name="tipNo" autoComplete="off" spellCheck={false} maxLength={30} hint={t('login.tipNoHint')} value={tipNo} onChange={(e) => setTipNo(e.target.value)} error={error} />
        <div className="row public-actions">
          <button type="submit" disabled={busy}>
            {busy ? t('login.checking') : t('login.submit')}
          </button>
          <button type="button" className="secondary" onClick={onBack}>
            {t('login.back')}
          </button>
        </div>
      </form>
      <p className="muted small">{t('login.lost')}</p>
    </Page>
  );
}
