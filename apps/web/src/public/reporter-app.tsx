import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageSwitch, Notice, Page } from '../shared/ui.js';
import { FollowUpLogin } from './follow-up-login.js';
import { ReceiptCard } from './receipt-card.js';
import { ReportForm } from './report-form.js';
import { reporterApi, type ReporterSession, type SubmitTipResponse } from './reporter-api.js';
import { SessionView } from './session-view.js';

/**
 * The whistleblower's page (/report): plain view state, no router (the page must stay small). The receipt is
 * held only while it is shown; the reporter token only in this component's memory.
 */
type View =
  | { name: 'landing'; notice?: 'ended' }
  | { name: 'report' }
  | { name: 'receipt'; submitted: SubmitTipResponse }
  | { name: 'login'; notice?: 'expired' }
  | { name: 'session'; session: ReporterSession };

export function ReporterApp() {
  const { t } = useTranslation('reporter');
  const [view, setView] = useState<View>({ name: 'landing' });
  const [opening, setOpening] = useState(false);
  const main = useRef<HTMLElement>(null);

  // A new screen starts at its top, with the focus there for keyboard and screen-reader users.
  useEffect(() => {
    window.scrollTo(0, 0);
    main.current?.focus();
  }, [view.name]);

  /** Right after submitting: open the report with the receipt still on screen (to attach evidence). */
  const followNow = async (submitted: SubmitTipResponse) => {
    setOpening(true);
    try {
      const session = await reporterApi.openSession(submitted.receipt, submitted.tipNo);
      setView({ name: 'session', session: { token: session.token, expiresAt: session.expiresAt, tipNo: session.tipNo } });
    } catch {
      setView({ name: 'login' });
    } finally {
      setOpening(false);
    }
  };

  return (
    <div className="public-shell">
      <a className="skip-link" href="#content">
        {t('common:app.skipToContent')}
      </a>
      <header className="public-header">
        <span className="brand">
          {t('brand')} · {t('common:app.office')}
        </span>
        <LanguageSwitch />
      </header>
      <main id="content" ref={main} tabIndex={-1}>
        {view.name === 'landing' ? <Landing notice={view.notice} onReport={() => setView({ name: 'report' })} onFollow={() => setView({ name: 'login' })} /> : null}
        {view.name === 'report' ? <ReportForm onSubmitted={(submitted) => setView({ name: 'receipt', submitted })} onCancel={() => setView({ name: 'landing' })} /> : null}
        {view.name === 'receipt' ? (
          <Page title={t('receipt.title')}>
            <p>{t('receipt.thanks')}</p>
            <ReceiptCard
              receipt={view.submitted.receipt}
              tipNo={view.submitted.tipNo}
              actions={(confirmed) => (
                <>
                  <button type="button" disabled={!confirmed || opening} onClick={() => void followNow(view.submitted)}>
                    {t('receipt.followNow')}
                  </button>
                  <button type="button" className="secondary" disabled={!confirmed || opening} onClick={() => setView({ name: 'landing' })}>
                    {t('receipt.done')}
                  </button>
                </>
              )}
            />
          </Page>
        ) : null}
        {view.name === 'login' ? (
          <FollowUpLogin notice={view.notice} onSession={(session) => setView({ name: 'session', session })} onBack={() => setView({ name: 'landing' })} />
        ) : null}
        {view.name === 'session' ? (
          <SessionView
            session={view.session}
            onSessionChange={(session) => setView({ name: 'session', session })}
            onExpired={() => setView({ name: 'login', notice: 'expired' })}
            onEnded={() => setView({ name: 'landing', notice: 'ended' })}
          />
        ) : null}
      </main>
    </div>
  );
}

function Landing({ notice, onReport, onFollow }: { notice?: 'ended'; onReport: () => void; onFollow: () => void }) {
  const { t } = useTranslation('reporter');
  return (
    <Page title={t('landing.title')}>
      {notice === 'ended' ? <Notice kind="success">{t('landing.ended')}</Notice> : null}
      <p className="lead">{t('landing.intro')}</p>
      <div className="landing-actions">
        <div className="card landing-action">
          <button type="button" className="big-button" onClick={onReport}>
            {t('landing.report')}
          </button>
          <p className="hint">{t('landing.reportHint')}</p>
        </div>
        <div className="card landing-action">
          <button type="button" className="big-button secondary" onClick={onFollow}>
            {t('landing.follow')}
          </button>
          <p className="hint">{t('landing.followHint')}</p>
        </div>
      </div>
      <section className="card" aria-labelledby="promise-title">
        <h2 id="promise-title">{t('landing.promiseTitle')}</h2>
        <ul className="promise">
          <li>{t('landing.promiseIdentity')}</li>
          <li>{t('landing.promiseAnonymous')}</li>
          <li>{t('landing.promiseReceipt')}</li>
        </ul>
      </section>
      <p className="muted small">{t('landing.emergency')}</p>
    </Page>
  );
}
