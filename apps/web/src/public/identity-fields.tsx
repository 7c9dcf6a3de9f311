import { useTranslation } from 'react-i18next';
import { TextArea, TextField } from '../shared/ui.js';
import type { IdentityInput } from './reporter-api.js';

/** The reporter's identity fields (names as the API's: `identity.fullName` …, so server errors land beside them). */
export function IdentityFields({ value, onChange, error }: { value: IdentityInput; onChange: (next: IdentityInput) => void; error: unknown }) {
  const { t } = useTranslation('reporter');
  const set = (key: keyof IdentityInput) => (event: { target: { value: string } }) => onChange({ ...value, [key]: event.target.value });
  return (
    <>
      <TextField label={t('form.fullName')} name="identity.fullName" required autoComplete="name" maxLength={200} value={value.fullName} onChange={set('fullName')} error={error} />
      <TextField label={t('form.nationalId')} name="identity.nationalId" hint={t('form.nationalIdHint')} inputMode="numeric" autoComplete="off" maxLength={17} value={value.nationalId} onChange={set('nationalId')} error={error} />
      <TextField label={t('form.phone')} name="identity.phone" type="tel" autoComplete="tel" maxLength={30} value={value.phone} onChange={set('phone')} error={error} />
      <TextField label={t('form.email')} name="identity.email" type="email" autoComplete="email" maxLength={200} value={value.email} onChange={set('email')} error={error} />
      <TextArea label={t('form.address')} name="identity.address" autoComplete="street-address" maxLength={500} rows={2} value={value.address} onChange={set('address')} error={error} />
    </>
  );
}
