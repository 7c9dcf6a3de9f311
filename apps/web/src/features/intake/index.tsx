import { useTranslation } from 'react-i18next';
import { Page } from '../../shared/ui.js';

/** Placeholder until the area's screens land (this session). */
export default function Area() {
  const { t } = useTranslation();
  return <Page title={t('nav.intake')}>{null}</Page>;
}
