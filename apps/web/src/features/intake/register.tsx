import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { AGENCY_TYPES, TIP_CHANNELS } from '#domain';
import { api, newIdempotencyKey, type FieldProblem } from '../../shared/api.js';
import { ErrorMessage, Notice, Page, SelectField, TextArea, TextField, categoryOptions, provinceOptions, useFormat } from '../../shared/ui.js';
import { clientError, dayToInstant, fieldProblem, todayInBangkok } from './form-helpers.js';

/** Channels an officer registers (the public web form is `web`, never entered here). */
const OFFICER_CHANNELS = TIP_CHANNELS.filter((channel) => channel !== 'web');

interface Registered {
  tipId: string;
  tipNo: string;
  receipt: string;
  version: number;
}

interface Draft {
  channel: string;
  narrative: string;
  allegedAgencyText: string;
  agencyType: string;
  provinceCode: string;
  categoryGuess: string;
  incidentDateFrom: string;
  incidentDateTo: string;
  allegedAmountTHB: string;
  language: string;
  identified: boolean;
  fullName: string;
  nationalId: string;
  phone: string;
  email: string;
  address: string;
  contactConsent: boolean;
}

const EMPTY: Draft = {
  channel: '',
  narrative: '',
  allegedAgencyText: '',
  agencyType: '',
  provinceCode: '',
  categoryGuess: '',
  incidentDateFrom: '',
  incidentDateTo: '',
  allegedAmountTHB: '',
  language: 'th',
  identified: false,
  fullName: '',
  nationalId: '',
  phone: '',
  email: '',
  address: '',
  contactConsent: false,
};

/** Registering a tip received by phone, letter, walk-in …: `POST /tips` with the officer's token and a channel. */
export function RegisterTip() {
  const { t } = useTranslation('intake');
  const { language, code } = useFormat();
  const client = useQueryClient();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [invalid, setInvalid] = useState<unknown>(null);
  const [registered, setRegistered] = useState<Registered | null>(null);
  const today = todayInBangkok();
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((current) => ({ ...current, [key]: value }));

  const register = useMutation({
    mutationFn: (body: Record<string, unknown>) => api<Registered>('/tips', { body, idempotencyKey: newIdempotencyKey() }),
    onSuccess: async (answer) => {
      setRegistered(answer);
      setDraft(EMPTY);
      await client.invalidateQueries({ queryKey: ['intake', 'tips'] });
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const problems: FieldProblem[] = [];
    const required = t('register.required');
    if (!draft.channel) problems.push(fieldProblem('channel', required));
    if (!draft.narrative.trim()) problems.push(fieldProblem('narrative', required));
    if (draft.incidentDateFrom > today) problems.push(fieldProblem('incidentDateFrom', t('register.futureDate')));
    if (draft.incidentDateTo > today) problems.push(fieldProblem('incidentDateTo', t('register.futureDate')));
    else if (draft.incidentDateFrom && draft.incidentDateTo && draft.incidentDateTo < draft.incidentDateFrom) problems.push(fieldProblem('incidentDateTo', t('register.badDate')));
    const amount = draft.allegedAmountTHB.trim().replace(/,/g, '');
    if (amount && !/^\d+(\.\d{1,2})?$/.test(amount)) problems.push(fieldProblem('allegedAmountTHB', t('register.badAmount')));
    if (draft.identified) {
      if (!draft.fullName.trim()) problems.push(fieldProblem('identity.fullName', required));
      if (draft.nationalId && !/^\d{13}$/.test(draft.nationalId.replace(/[\s-]/g, ''))) problems.push(fieldProblem('identity.nationalId', t('register.badNationalId')));
      if (draft.phone && !/^[0-9+ -]{6,30}$/.test(draft.phone.trim())) problems.push(fieldProblem('identity.phone', t('register.badPhone')));
      if (draft.email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(draft.email.trim())) problems.push(fieldProblem('identity.email', t('register.badEmail')));
    }
    const error = clientError(problems);
    setInvalid(error);
    if (error) return;
    const body: Record<string, unknown> = { channel: draft.channel, narrative: draft.narrative, language: draft.language };
    if (draft.allegedAgencyText.trim()) body.allegedAgencyText = draft.allegedAgencyText.trim();
    if (draft.agencyType) body.agencyType = draft.agencyType;
    if (draft.provinceCode) body.provinceCode = draft.provinceCode;
    if (draft.categoryGuess) body.categoryGuess = draft.categoryGuess;
    if (draft.incidentDateFrom) body.incidentDateFrom = dayToInstant(draft.incidentDateFrom);
    if (draft.incidentDateTo) body.incidentDateTo = dayToInstant(draft.incidentDateTo);
    if (amount) body.allegedAmountTHB = Number(amount);
    if (draft.identified) {
      const identity: Record<string, string> = { fullName: draft.fullName.trim() };
      if (draft.nationalId.trim()) identity.nationalId = draft.nationalId.replace(/[\s-]/g, '');
      if (draft.phone.trim()) identity.phone = draft.phone.trim();
      if (draft.email.trim()) identity.email = draft.email.trim();
      if (draft.address.trim()) identity.address = draft.address.trim();
      body.identity = identity;
      body.contactConsent = draft.contactConsent;
    }
    register.mutate(body);
  };

  if (registered) return <Registered registered={registered} onAnother={() => setRegistered(null)} />;

  const error = invalid ?? register.error;
  const none = t('register.notSelected');
  return (
    <Page title={t('register.title')}>
      <p>{t('register.intro')}</p>
      <ErrorMessage error={error} />
      <form onSubmit={submit} noValidate>
        <fieldset>
          <legend>{t('register.report')}</legend>
          <SelectField label={t('register.channel')} name="channel" required placeholder={none} value={draft.channel} onChange={(e) => set('channel', e.target.value)} options={OFFICER_CHANNELS.map((value) => ({ value, label: code('channel', value) }))} error={error} />
          <TextArea label={t('register.narrative')} name="narrative" required rows={8} maxLength={20000} hint={t('register.narrativeHint')} value={draft.narrative} onChange={(e) => set('narrative', e.target.value)} error={error} />
          <div className="grid">
            <TextField label={t('register.allegedAgencyText')} name="allegedAgencyText" maxLength={500} value={draft.allegedAgencyText} onChange={(e) => set('allegedAgencyText', e.target.value)} error={error} />
            <SelectField label={t('register.agencyType')} name="agencyType" placeholder={none} value={draft.agencyType} onChange={(e) => set('agencyType', e.target.value)} options={AGENCY_TYPES.map((value) => ({ value, label: code('agencyType', value) }))} error={error} />
            <SelectField label={t('register.provinceCode')} name="provinceCode" placeholder={none} value={draft.provinceCode} onChange={(e) => set('provinceCode', e.target.value)} options={provinceOptions(language)} error={error} />
            <SelectField label={t('register.categoryGuess')} name="categoryGuess" placeholder={none} value={draft.categoryGuess} onChange={(e) => set('categoryGuess', e.target.value)} options={categoryOptions(language)} error={error} />
            <TextField label={t('register.incidentDateFrom')} name="incidentDateFrom" type="date" max={today} value={draft.incidentDateFrom} onChange={(e) => set('incidentDateFrom', e.target.value)} error={error} />
            <TextField label={t('register.incidentDateTo')} name="incidentDateTo" type="date" max={today} value={draft.incidentDateTo} onChange={(e) => set('incidentDateTo', e.target.value)} error={error} />
            <TextField label={t('register.allegedAmountTHB')} name="allegedAmountTHB" inputMode="decimal" value={draft.allegedAmountTHB} onChange={(e) => set('allegedAmountTHB', e.target.value)} error={error} />
            <SelectField
              label={t('register.language')}
              name="language"
              value={draft.language}
              onChange={(e) => set('language', e.target.value)}
              options={[
                { value: 'th', label: t('register.languageTh') },
                { value: 'en', label: t('register.languageEn') },
              ]}
              error={error}
            />
          </div>
        </fieldset>
        <fieldset>
          <legend>{t('register.reporter')}</legend>
          <p className="checkbox-line">
            <label>
              <input type="radio" name="identified" checked={!draft.identified} onChange={() => set('identified', false)} /> {t('register.anonymous')}
            </label>
          </p>
          <p className="checkbox-line">
            <label>
              <input type="radio" name="identified" checked={draft.identified} onChange={() => set('identified', true)} /> {t('register.identified')}
            </label>
          </p>
          {draft.identified ? (
            <>
              <p className="hint">{t('register.identityHint')}</p>
              <div className="grid">
                <TextField label={t('register.fullName')} name="identity.fullName" required maxLength={200} autoComplete="off" value={draft.fullName} onChange={(e) => set('fullName', e.target.value)} error={error} />
                <TextField label={t('register.nationalId')} name="identity.nationalId" inputMode="numeric" autoComplete="off" value={draft.nationalId} onChange={(e) => set('nationalId', e.target.value)} error={error} />
                <TextField label={t('register.phone')} name="identity.phone" type="tel" autoComplete="off" value={draft.phone} onChange={(e) => set('phone', e.target.value)} error={error} />
                <TextField label={t('register.email')} name="identity.email" type="email" autoComplete="off" value={draft.email} onChange={(e) => set('email', e.target.value)} error={error} />
              </div>
              <TextArea label={t('register.address')} name="identity.address" rows={2} maxLength={500} autoComplete="off" value={draft.address} onChange={(e) => set('address', e.target.value)} error={error} />
              <p className="checkbox-line">
                <label>
                  <input type="checkbox" checked={draft.contactConsent} onChange={(e) => set('contactConsent', e.target.checked)} /> {t('register.contactConsent')}
                </label>
              </p>
            </>
          ) : null}
        </fieldset>
        <div className="row">
          <button type="submit" disabled={register.isPending}>
            {register.isPending ? t('register.saving') : t('register.submit')}
          </button>
          <Link to=".." relative="path">
            {t('tip.back')}
          </Link>
        </div>
      </form>
    </Page>
  );
}

/** The registered tip's number and the reporter's receipt, shown once. */
function Registered({ registered, onAnother }: { registered: Registered; onAnother: () => void }) {
  const { t } = useTranslation('intake');
  const [given, setGiven] = useState(false);
  return (
    <Page title={t('register.done', { tipNo: registered.tipNo })}>
      <Notice kind="success">{t('register.done', { tipNo: registered.tipNo })}</Notice>
      <section className="card receipt-block" aria-labelledby="receipt-title">
        <h2 id="receipt-title">{t('register.receiptTitle')}</h2>
        <code className="receipt" translate="no">
          {registered.receipt}
        </code>
        <div className="alert alert-warning">{t('register.receiptWarning')}</div>
        <p className="checkbox-line">
          <label>
            <input type="checkbox" checked={given} onChange={(e) => setGiven(e.target.checked)} /> {t('register.receiptGiven')}
          </label>
        </p>
        <div className="row">
          {given ? (
            <Link className="button" to={`../${registered.tipId}`} relative="path">
              {t('register.openTip')}
            </Link>
          ) : (
            <button type="button" disabled>
              {t('register.openTip')}
            </button>
          )}
          <button type="button" className="secondary" disabled={!given} onClick={onAnother}>
            {t('register.another')}
          </button>
        </div>
      </section>
    </Page>
  );
}
