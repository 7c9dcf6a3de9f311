import { Fragment, useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * A receipt shown once (after submitting, or after rotating it): big, copyable, with the warning that it
 * cannot be shown again. Leaving is possible only after ticking "I have saved my receipt"; until then the
 * browser asks before the page is closed or reloaded.
 */
export function ReceiptCard({ receipt, tipNo, rotated, actions }: { receipt: string; tipNo?: string; rotated?: boolean; actions: (confirmed: boolean) => ReactNode }) {
  const { t } = useTranslation('reporter');
  const [confirmed, setConfirmed] = useState(false);
  const [copy, setCopy] = useState<'idle' | 'copied' | 'failed'>('idle');
  const codeRef = useRef<HTMLElement>(null);

  useEffect(() => {
    if (confirmed) return;
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [confirmed]);

  const copyReceipt = async () => {
    try {
      await navigator.clipboard.writeText(receipt);
      setCopy('copied');
    } catch {
      // No clipboard (insecure context, permission): select the digits so the reader can copy them by hand.
      const node = codeRef.current;
      const selection = window.getSelection();
      if (node && selection) {
        const range = document.createRange();
        range.selectNodeContents(node);
        selection.removeAllRanges();
        selection.addRange(range);
      }
      setCopy('failed');
    }
  };

  return (
    <>
      <div className="card receipt-card">
        {tipNo ? (
          <dl className="facts">
            <dt>{t('receipt.tipNo')}</dt>
            <dd className="mono">{tipNo}</dd>
          </dl>
        ) : null}
        <p className="receipt-label">
          {t('receipt.label')}
        </p>
        <p>
          <code className="receipt receipt-big" ref={codeRef} translate="no">
            {receipt.split(/[\s-]+/).map((group, index) => (
              <Fragment key={index}>
                {index > 0 ? ' ' : null}
                <span className="receipt-group">{group}</span>
              </Fragment>
            ))}
          </code>
        </p>
        <button type="button" className="secondary" onClick={() => void copyReceipt()}>
          {t('receipt.copy')}
        </button>
        <p role="status" aria-live="polite" className="small">
          {copy === 'copied' ? t('receipt.copied') : copy === 'failed' ? t('receipt.copyFailed') : ''}
        </p>
      </div>
      <div className="alert alert-warning">
        <strong>{t('receipt.warningTitle')}</strong>
        <p>{t('receipt.warning')}</p>
        {rotated ? <p>{t('receipt.rotatedNote')}</p> : null}
        <p>{t('receipt.keepSafe')}</p>
      </div>
      <p className="checkbox-line">
        <label>
          <input type="checkbox" checked={confirmed} onChange={(event) => setConfirmed(event.target.checked)} /> {t('receipt.confirm')}
        </label>
      </p>
      {!confirmed ? <p className="hint">{t('receipt.confirmFirst')}</p> : null}
      <div className="row public-actions">{actions(confirmed)}</div>
    </>
  );
}
