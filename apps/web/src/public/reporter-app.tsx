import { useTranslation } from 'react-i18next';
import { LanguageSwitch, Page } from '../shared/ui.js';

/** Placeholder until the whistleblower screens land (this session). */
export function ReporterApp() {
  const { t } = useTranslation();
  return (
    <div className="public-shell">
      <header className="public-header">
        <span className="brand">{t('app.name')}</span>
        <LanguageSwitch />
      </header>
      <main id="content">
        <Page title={t('app.office')}>{null}</Page>
      </main>
    </div>
  );
}
