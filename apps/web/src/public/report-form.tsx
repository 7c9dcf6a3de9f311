import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { AGENCY_TYPES } from '#domain';
import { ApiError, api, newIdempotencyKey, type FieldProblem } from '../shared/api.js';
import { Page, SelectField, TextArea, TextField, categoryOptions, provinceOptions, useFormat } from '../shared/ui.js';
import { FormProblem } from './form-problem.js';
import { IdentityFields } from './identity-fields.js';
import { EMPTY_IDENTITY, clientProblems, identityBody, identityProblems, problem, waitMinutes, type IdentityInput, type SubmitTipResponse } from './reporter-api.js';

const NARRATIVE_MAX = 20000;

/** Today in Bangkok as YYYY-MM-DD (the latest incident date a reporter may pick). */
function todayInBangkok(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Bangkok', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

/** A calendar day picked in the form, as the UTC instant of its start in Bangkok (the API wants `…Z`). */
function dayToInstant(day: string): string {
  return new Date(`${day}T00:00:00+07:00`).toISOString();
}

interface Draft {
  narrative: string;
  allegedAgencyText: string;
  agencyType: string;
  provinceCode: string;
  categoryGuess: string;
  incidentDateFrom: string;
  incidentDateTo: string;
  allegedAmountTHB: string;
  identified: boolean;
  identity: IdentityInput;
  contactConsent: boolean;
}

const EMPTY: Draft = {
  narrative: '',
  allegedAgencyText: '',
  agencyType: '',
  provinceCode: '',
  categoryGuess: '',
  incidentDateFrom: '',
  incidentDateTo: '',
  allegedAmountTHB: '',
  identified: false,
  identity: EMPTY_IDENTITY,
  contactConsent: false,
};

/** The public report form (`POST /api/v1/tips` without a token: channel `web`). */
export function ReportForm({ onSubmitted, onCancel }: { onSubmitted: (answer: SubmitTipResponse) => void; onCancel: () => void }) {
  const { t } = useTranslation('reporter');
  const { language, code, date, number } = useFormat();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const today = todayInBangkok();
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((current) => ({ ...current, [key]: value }));

  const validate = (): ApiError | null => {
    const found: FieldProblem[] = [];
    if (!draft.narrative.trim()) found.push(problem('narrative', t('form.required.narrative')));
    else if (draft.narrative.length > NARRATIVE_MAX) found.push(problem('narrative', t('form.tooLong')));
    if (draft.allegedAgencyText.length > 500) found.push(problem('allegedAgencyText', t('form.tooLong')));
    if (draft.incidentDateFrom && draft.incidentDateFrom > today) found.push(problem('incidentDateFrom', t('form.futureDate')));
    if (draft.incidentDateTo && draft.incidentDateTo > today) found.push(problem('incidentDateTo', t('form.futureDate')));
    else if (draft.incidentDateFrom && draft.incidentDateTo && draft.incidentDateTo < draft.incidentDateFrom) found.push(problem('incidentDateTo', t('form.dateOrder')));
    const amount = draft.allegedAmountTHB.trim().replace(/,/g, '');
    if (amount && !(/^\d+(\.\d{1,2})?$/.test(amount) && Number(amount) <= 1e13)) found.push(problem('allegedAmountTHB', t('form.badAmount')));
    if (draft.identified) {
      found.push(
        ...identityProblems(draft.identity, {
          fullName: t('form.required.fullName'),
          nationalId: t('form.badNationalId'),
          phone: t('form.badPhone'),
          email: t('form.badEmail'),
          tooLong: t('form.tooLong'),
        }),
      );
    }
    return clientProblems(found);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const invalid = validate();
    setError(invalid);
    if (invalid) return;
    const amount = draft.allegedAmountTHB.trim().replace(/,/g, '');
    const body: Record<string, unknown> = { narrative: draft.narrative, language };
    if (draft.allegedAgencyText.trim()) body.allegedAgencyText = draft.allegedAgencyText.trim();
    if (draft.agencyType) body.agencyType = draft.agencyType;
    if (draft.provinceCode) body.provinceCode = draft.provinceCode;
    if (draft.categoryGuess) body.categoryGuess = draft.categoryGuess;
    if (draft.incidentDateFrom) body.incidentDateFrom = dayToInstant(draft.incidentDateFrom);
    if (draft.incidentDateTo) body.incidentDateTo = dayToInstant(draft.incidentDateTo);
    if (amount) body.allegedAmountTHB = Number(amount);
    if (draft.identified) {
      body.identity = identityBody(draft.identity);
      body.contactConsent = draft.contactConsent;
    }
    setBusy(true);
    try {
      const answer = await api<SubmitTipResponse>('/tips', { body, token: null, idempotencyKey: newIdempotencyKey() });
      setDraft(EMPTY);
      onSubmitted(answer);
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  };

  const special = (failure: ApiError): string | undefined => {
    if (failure.status !== 429) return undefined;
    const minutes = waitMinutes(failure);
    return minutes ? t('form.tooMany', { minutes }) : t('form.tooManySoon');
  };

  return (
    <Page title={t('form.title')}>
      <p>{t('form.intro')}</p>
      <FormProblem error={error} special={special} />
      <form onSubmit={(event) => void submit(event)} noValidate>
        <fieldset>
          <legend>{t('form.whatHappened')}</legend>
          <TextArea
            label={t('form.narrative')}
            name="narrative"
            required
            rows={8}
            maxLength={NARRATIVE_MAX}
            hint={t('form.narrativeHint')}
            value={draft.narrative}
            onChange={(e) => set('narrative', e.target.value)}
            error={error}
          />
          <p className="hint" aria-live="off">
            {t('form.narrativeCount', { count: number(draft.narrative.length), max: number(NARRATIVE_MAX) })}
          </p>
        </fieldset>
        <fieldset>
          <legend>{t('form.where')}</legend>
          <TextField label={t('form.allegedAgencyText')} name="allegedAgencyText" maxLength={500} hint={t('form.allegedAgencyHint')} value={draft.allegedAgencyText} onChange={(e) => set('allegedAgencyText', e.target.value)} error={error} />
          <SelectField
            label={t('form.agencyType')}
            name="agencyType"
            placeholder={t('form.notSure')}
            options={AGENCY_TYPES.map((value) => ({ value, label: code('agencyType', value) }))}
            value={draft.agencyType}
            onChange={(e) => set('agencyType', e.target.value)}
            error={error}
          />
          <SelectField label={t('form.provinceCode')} name="provinceCode" placeholder={t('form.notSure')} options={provinceOptions(language)} value={draft.provinceCode} onChange={(e) => set('provinceCode', e.target.value)} error={error} />
          <SelectField
            label={t('form.categoryGuess')}
            name="categoryGuess"
            placeholder={t('form.notSure')}
            hint={t('form.categoryHint')}
            options={categoryOptions(language)}
            value={draft.categoryGuess}
            onChange={(e) => set('categoryGuess', e.target.value)}
            error={error}
          />
        </fieldset>
        <fieldset>
          <legend>{t('form.when')}</legend>
          <div className="row">
            <TextField
              label={t('form.incidentDateFrom')}
              name="incidentDateFrom"
              type="date"
              max={today}
              hint={draft.incidentDateFrom ? date(draft.incidentDateFrom) : t('form.dateHint')}
              value={draft.incidentDateFrom}
              onChange={(e) => set('incidentDateFrom', e.target.value)}
              error={error}
            />
            <TextField
              label={t('form.incidentDateTo')}
              name="incidentDateTo"
              type="date"
              max={today}
              min={draft.incidentDateFrom || undefined}
              hint={draft.incidentDateTo ? date(draft.incidentDateTo) : undefined}
              value={draft.incidentDateTo}
              onChange={(e) => set('incidentDateTo', e.target.value)}
              error={error}
            />
          </div>
          <TextField
            label={t('form.allegedAmountTHB')}
            name="allegedAmountTHB"
            inputMode="decimal"
            hint={t('form.amountHint')}
            value={draft.allegedAmountTHB}
            onChange={(e) => set('allegedAmountTHB', e.target.value)}
            error={error}
          />
        </fieldset>
        <fieldset>
          <legend>{t('form.who')}</legend>
          <div className="choice">
            <label>
              <input type="radio" name="anonymity" checked={!draft.identified} onChange={() => set('identified', false)} /> {t('form.anonymous')}
            </label>
            <p className="hint">{t('form.anonymousHint')}</p>
          </div>
          <div className="choice">
            <label>
              <input type="radio" name="anonymity" checked={draft.identified} onChange={() => set('identified', true)} /> {t('form.identified')}
            </label>
            <p className="hint">{t('form.identifiedHint')}</p>
          </div>
          {draft.identified ? (
            <div className="identity-fields">
              <IdentityFields value={draft.identity} onChange={(identity) => set('identity', identity)} error={error} />
              <p className="checkbox-line">
                <label>
                  <input type="checkbox" checked={draft.contactConsent} onChange={(e) => set('contactConsent', e.target.checked)} /> {t('form.contactConsent')}
                </label>
              </p>
            </div>
          ) : null}
        </fieldset>
        <p className="alert alert-info">{t('form.filesLater')}</p>
        <div className="row public-actions">
          <button type="submit" disabled={busy}>
            {busy ? t('form.submitting') : t('form.submit')}
          </button>
          <button type="button" className="secondary" onClick={onCancel} disabled={busy}>
            {t('form.cancel')}
          </button>
        </div>
        {busy ? (
          <p role="status" className="muted">
            {t('form.submitting')}
          </p>
        ) : null}
      </form>
    </Page>
  );
}
