import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  ACCUSED_RANKS,
  AGENCY_TYPES,
  ASSIGNEE_ROLES,
  CLOSURE_RETURN_TARGETS,
  DEADLINE_KINDS,
  DISPOSITIONS,
  FINDING_RESULTS,
  JURISDICTIONS,
  NON_MERIT_DISPOSITIONS,
  NOTE_VISIBILITIES,
  PRIORITIES,
  REASON_REQUIRED_DISPOSITIONS,
  RECOMMENDED_ACTIONS,
  REFERRAL_TARGETS,
  REFERRAL_TYPES,
  REOPEN_REASONS,
  REOPEN_TARGETS,
  STEP_TYPES,
  type Disposition,
} from '#domain';
import { categoryOptions, provinceOptions, useFormat, type Option } from '../../shared/ui.js';
import { ActionForm, FormArea, FormSelect, FormText, useFields, useFormError, type ActionProps } from './action-form.js';
import { bangkokInputToIso, bangkokNowInput, compact, localProblems, useCodeOptions, UUID } from './form.js';
import { useStaffDirectory, useUserLabel } from './hooks.js';
import { extendableKinds } from './policy.js';
import { useUser } from '../../staff/auth.js';
import { text } from './types.js';
import { ApiError } from '../../shared/api.js';

function useChecks() {
  const { t } = useTranslation('cases');
  return {
    required: (value: string) => (value.trim() === '' ? t('actions.required') : undefined),
    past: (value: string) => {
      const iso = bangkokInputToIso(value);
      if (!iso) return t('actions.required');
      return Date.parse(iso) > Date.now() + 60_000 ? t('actions.notFuture') : undefined;
    },
    future: (value: string, optional = false) => {
      if (optional && value === '') return undefined;
      const iso = bangkokInputToIso(value);
      if (!iso) return t('actions.required');
      return Date.parse(iso) <= Date.now() ? t('actions.future') : undefined;
    },
  };
}

function useDispositionOptions(values: readonly string[]): Option[] {
  const format = useFormat();
  return values.map((value) => ({ value, label: format.code('disposition', value) }));
}

/** A command with no fields: a confirmation panel (phase moves are not undone lightly). */
export function ConfirmAction({ title, submit, path, warning, ...props }: ActionProps & { title: string; submit: string; path: string; warning?: string }) {
  const { t } = useTranslation('cases');
  return (
    <ActionForm
      {...props}
      title={title}
      submitLabel={submit}
      toInput={() => ({ path })}
      intro={
        <>
          {warning ? (
            <div className="alert alert-warning" role="note">
              {warning}
            </div>
          ) : null}
          <p>{t('actions.confirmText', { action: title })}</p>
        </>
      }
    />
  );
}

export function ClassifyAction(props: ActionProps) {
  const { t } = useTranslation('cases');
  const format = useFormat();
  const { required } = useChecks();
  const d = props.detail;
  const { values, bind } = useFields({
    primaryCategory: d.primaryCategory ?? '',
    agencyType: d.agencyType ?? '',
    agencyId: d.agencyId ?? '',
    provinceCode: d.provinceCode ?? '',
    districtCode: d.districtCode ?? '',
    allegedAmountTHB: d.allegedAmountTHB === null ? '' : String(d.allegedAmountTHB),
    jurisdiction: d.jurisdiction ?? 'pacc',
    accusedRank: d.accusedRank ?? '',
    priority: d.priority ?? 'normal',
    reason: '',
  });
  const choose = t('actions.choose');
  return (
    <ActionForm
      {...props}
      title={t('actions.classify.open')}
      submitLabel={t('actions.classify.submit')}
      validate={() =>
        localProblems({
          primaryCategory: required(values.primaryCategory),
          agencyType: required(values.agencyType),
          jurisdiction: required(values.jurisdiction),
          accusedRank: required(values.accusedRank),
          priority: required(values.priority),
          districtCode: values.districtCode !== '' && !/^\d{4}$/.test(values.districtCode) && t('actions.district'),
          allegedAmountTHB: values.allegedAmountTHB !== '' && !(Number(values.allegedAmountTHB) >= 0) && t('actions.amount'),
        })
      }
      toInput={() => ({
        path: 'classify',
        body: {
          ...compact({ ...values, allegedAmountTHB: undefined }),
          ...(values.allegedAmountTHB !== '' ? { allegedAmountTHB: Number(values.allegedAmountTHB) } : {}),
          secondaryCategories: d.secondaryCategories.filter((c) => c !== values.primaryCategory),
        },
      })}
    >
      <div className="grid">
        <FormSelect label={t('actions.classify.primaryCategory')} required placeholder={choose} options={categoryOptions(format.language)} {...bind('primaryCategory')} />
        <FormSelect label={t('actions.classify.agencyType')} required placeholder={choose} options={AGENCY_TYPES.map((v) => ({ value: v, label: format.code('agencyType', v) }))} {...bind('agencyType')} />
        <FormText label={t('actions.classify.agencyId')} {...bind('agencyId')} />
        <FormSelect label={t('actions.classify.provinceCode')} placeholder={choose} options={provinceOptions(format.language)} {...bind('provinceCode')} />
        <FormText label={t('actions.classify.districtCode')} inputMode="numeric" maxLength={4} {...bind('districtCode')} />
        <FormText label={t('actions.classify.allegedAmountTHB')} type="number" min={0} step="any" {...bind('allegedAmountTHB')} />
        <FormSelect label={t('actions.classify.jurisdiction')} required options={useCodeOptions('codes.jurisdiction', JURISDICTIONS)} {...bind('jurisdiction')} />
        <FormSelect label={t('actions.classify.accusedRank')} required placeholder={choose} options={useCodeOptions('codes.accusedRank', ACCUSED_RANKS)} {...bind('accusedRank')} />
        <FormSelect label={t('actions.classify.priority')} required options={PRIORITIES.map((v) => ({ value: v, label: format.code('priority', v) }))} {...bind('priority')} />
      </div>
      <FormArea label={t('actions.classify.reason')} maxLength={2000} {...bind('reason')} />
    </ActionForm>
  );
}

export function AssignAction(props: ActionProps) {
  const { t } = useTranslation('cases');
  const { required } = useChecks();
  const directory = useStaffDirectory();
  const hasLead = props.detail.assignees.some((a) => a.role === 'lead');
  const { values, setValues, bind } = useFields({ assigneeUserId: '', unitCode: props.detail.unitCodes[0] ?? '', role: hasLead ? 'support' : 'lead', reason: '' });
  // Investigators of the office not yet on the case; without the directory (an error), the user id is typed.
  const assigned = new Set(props.detail.assignees.map((a) => a.userId));
  const investigators = (directory.data ?? []).filter((member) => member.roles.includes('investigator') && !assigned.has(member.userId));
  const typed = directory.isError;
  const pick = bind('assigneeUserId');
  return (
    <ActionForm
      {...props}
      title={t('actions.assign.open')}
      submitLabel={t('actions.assign.submit')}
      validate={() =>
        localProblems({
          assigneeUserId: required(values.assigneeUserId) ?? (!UUID.test(values.assigneeUserId.trim()) && t('actions.uuid')),
          unitCode: required(values.unitCode),
        })
      }
      toInput={() => ({ path: 'assign', body: compact({ ...values, assigneeUserId: values.assigneeUserId.trim().toLowerCase(), unitCode: values.unitCode.trim() }) })}
    >
      {typed ? (
        <FormText label={t('actions.assign.assigneeUserId')} required hint={t('actions.assign.assigneeHint')} autoComplete="off" spellCheck={false} {...pick} />
      ) : (
        <FormSelect
          label={t('actions.assign.assignee')}
          required
          placeholder={directory.isPending ? t('common:state.loading') : t('actions.assign.choose')}
          hint={!directory.isPending && investigators.length === 0 ? t('actions.assign.noInvestigators') : t('actions.assign.pickHint')}
          options={investigators.map((member) => ({ value: member.userId, label: member.unitCode ? t('actions.assign.option', { name: member.displayName, unit: member.unitCode }) : member.displayName }))}
          {...pick}
          onChange={(event) => {
            const member = investigators.find((m) => m.userId === event.target.value);
            // The unit follows the person chosen (it stays editable: someone may work for another unit on this case).
            setValues((current) => ({ ...current, assigneeUserId: event.target.value, unitCode: member?.unitCode ?? current.unitCode }));
          }}
        />
      )}
      <div className="grid">
        <FormText label={t('actions.assign.unitCode')} required {...bind('unitCode')} />
        <FormSelect label={t('actions.assign.role')} required options={useCodeOptions('codes.assigneeRole', ASSIGNEE_ROLES)} {...bind('role')} />
      </div>
      <FormArea label={t('actions.assign.reason')} maxLength={2000} {...bind('reason')} />
    </ActionForm>
  );
}

export function UnassignAction(props: ActionProps) {
  const { t } = useTranslation('cases');
  const userLabel = useUserLabel();
  const { required } = useChecks();
  const { values, bind } = useFields({ assigneeUserId: props.detail.assignees[0]?.userId ?? '', reason: '' });
  return (
    <ActionForm
      {...props}
      title={t('actions.unassign.open')}
      submitLabel={t('actions.unassign.submit')}
      validate={() => localProblems({ assigneeUserId: required(values.assigneeUserId) })}
      toInput={() => ({ path: 'unassign', body: compact(values) })}
    >
      <FormSelect
        label={t('actions.unassign.assigneeUserId')}
        required
        options={props.detail.assignees.map((a) => ({ value: a.userId, label: `${userLabel(a.userId)} · ${t(`codes.assigneeRole.${a.role}`)} · ${a.unitCode}` }))}
        {...bind('assigneeUserId')}
      />
      <FormArea label={t('actions.unassign.reason')} maxLength={2000} {...bind('reason')} />
    </ActionForm>
  );
}

export function RecordStepAction(props: ActionProps) {
  const { t } = useTranslation('cases');
  const format = useFormat();
  const { required, past } = useChecks();
  const { values, bind } = useFields({ stepType: '', performedAt: bangkokNowInput(), summary: '', outcome: '', provinceCode: '' });
  return (
    <ActionForm
      {...props}
      title={t('actions.recordStep.open')}
      submitLabel={t('actions.recordStep.submit')}
      validate={() => localProblems({ stepType: required(values.stepType), performedAt: past(values.performedAt), summary: required(values.summary) })}
      toInput={() => ({
        path: 'record-step',
        body: {
          stepType: values.stepType,
          performedAt: bangkokInputToIso(values.performedAt),
          summary: values.summary,
          ...(values.outcome.trim() ? { outcome: values.outcome } : {}),
          ...(values.provinceCode ? { location: { provinceCode: values.provinceCode } } : {}),
        },
      })}
    >
      <div className="grid">
        <FormSelect label={t('actions.recordStep.stepType')} required placeholder={t('actions.choose')} options={useCodeOptions('codes.stepType', STEP_TYPES)} {...bind('stepType')} />
        <FormText label={t('actions.recordStep.performedAt')} required type="datetime-local" max={bangkokNowInput(1)} {...bind('performedAt')} />
        <FormSelect label={t('actions.recordStep.provinceCode')} placeholder={t('actions.choose')} options={provinceOptions(format.language)} {...bind('provinceCode')} />
      </div>
      <FormArea label={t('actions.recordStep.summary')} required maxLength={10000} {...bind('summary')} />
      <FormArea label={t('actions.recordStep.outcome')} maxLength={10000} {...bind('outcome')} />
    </ActionForm>
  );
}

export function AddAccusedAction(props: ActionProps) {
  const { t } = useTranslation('cases');
  const { required } = useChecks();
  const { values, bind } = useFields({ name: '', position: '', agencyId: props.detail.agencyId ?? '', rank: '' });
  return (
    <ActionForm
      {...props}
      title={t('actions.addAccused.open')}
      submitLabel={t('actions.addAccused.submit')}
      validate={() => localProblems({ 'accused.name': required(values.name) })}
      toInput={() => ({ path: 'add-accused', body: { accused: compact(values) } })}
    >
      <FormText label={t('actions.addAccused.name')} required maxLength={200} {...bind('name')} name="accused.name" />
      <div className="grid">
        <FormText label={t('actions.addAccused.position')} maxLength={200} {...bind('position')} name="accused.position" />
        <FormText label={t('actions.addAccused.agencyId')} {...bind('agencyId')} name="accused.agencyId" />
        <FormSelect label={t('actions.addAccused.rank')} placeholder={t('actions.choose')} options={useCodeOptions('codes.accusedRank', ACCUSED_RANKS)} {...bind('rank')} name="accused.rank" />
      </div>
    </ActionForm>
  );
}

export function AddWitnessAction(props: ActionProps) {
  const { t } = useTranslation('cases');
  const { required } = useChecks();
  const { values, bind } = useFields({ name: '', phone: '', relation: '' });
  return (
    <ActionForm
      {...props}
      title={t('actions.addWitness.open')}
      submitLabel={t('actions.addWitness.submit')}
      validate={() => localProblems({ 'witness.name': required(values.name) })}
      toInput={() => ({ path: 'add-witness', body: { witness: compact(values) } })}
    >
      <FormText label={t('actions.addWitness.name')} required maxLength={200} {...bind('name')} name="witness.name" />
      <div className="grid">
        <FormText label={t('actions.addWitness.phone')} type="tel" maxLength={30} {...bind('phone')} name="witness.phone" />
        <FormText label={t('actions.addWitness.relation')} maxLength={200} {...bind('relation')} name="witness.relation" />
      </div>
    </ActionForm>
  );
}

export function AddNoteAction(props: ActionProps) {
  const { t } = useTranslation('cases');
  const { required } = useChecks();
  const { values, bind } = useFields({ body: '', visibility: 'internal' });
  return (
    <ActionForm
      {...props}
      title={t('actions.addNote.open')}
      submitLabel={t('actions.addNote.submit')}
      validate={() => localProblems({ body: required(values.body) })}
      toInput={() => ({ path: 'add-note', body: values })}
    >
      <FormArea label={t('actions.addNote.body')} required maxLength={10000} {...bind('body')} />
      <FormSelect label={t('actions.addNote.visibility')} options={useCodeOptions('codes.noteVisibility', NOTE_VISIBILITIES)} {...bind('visibility')} />
    </ActionForm>
  );
}

/** The accused to pick for a finding: names come from the sealed content, so it must be open. */
function AccusedPicker({ content, picked, onChange }: { content: ActionProps['content']; picked: string[]; onChange: (refs: string[]) => void }) {
  const { t } = useTranslation('cases');
  const error = useFormError();
  const message = error instanceof ApiError ? error.fieldMessage('againstSubjectRefs') : undefined;
  if (!content) return <p className="muted">{t('actions.recordFinding.needContent')}</p>;
  const accused = content.accused.filter((item) => !item.removed);
  return (
    <fieldset className="checkbox-group" aria-invalid={message ? true : undefined}>
      <legend>{t('actions.recordFinding.against')}</legend>
      {accused.length === 0 ? <p className="muted">{t('actions.recordFinding.noAccused')}</p> : null}
      {accused.map((item) => {
        const ref = text(item.subjectRef) ?? item.eventId;
        const person = item.accused as Record<string, unknown> | undefined;
        return (
          <div key={ref}>
            <label className="checkbox">
              <input type="checkbox" name="againstSubjectRefs" value={ref} checked={picked.includes(ref)} onChange={(e) => onChange(e.target.checked ? [...picked, ref] : picked.filter((r) => r !== ref))} />{' '}
              {text(person?.name) ?? t('content.erased')}
            </label>
          </div>
        );
      })}
      {message ? <p className="field-error">{message}</p> : null}
    </fieldset>
  );
}

export function RecordFindingAction(props: ActionProps) {
  const { t } = useTranslation('cases');
  const { required } = useChecks();
  const { values, bind } = useFields({ result: '', summary: '', recommendedAction: 'none', offenceCode: '', offenceLaw: '' });
  const [against, setAgainst] = useState<string[]>([]);
  const substantiated = values.result === 'substantiated' || values.result === 'partially_substantiated';
  return (
    <ActionForm
      {...props}
      title={t('actions.recordFinding.open')}
      submitLabel={t('actions.recordFinding.submit')}
      validate={() =>
        localProblems({
          result: required(values.result),
          summary: required(values.summary),
          recommendedAction: !substantiated && values.recommendedAction !== 'none' && t('actions.noActionUnlessSubstantiated'),
          againstSubjectRefs: substantiated && against.length === 0 && t('actions.pickAccused'),
          'offences[0].lawRef': values.offenceCode.trim() !== '' && values.offenceLaw.trim() === '' && t('actions.required'),
          'offences[0].code': values.offenceLaw.trim() !== '' && values.offenceCode.trim() === '' && t('actions.required'),
        })
      }
      toInput={() => ({
        path: 'record-finding',
        body: {
          result: values.result,
          summary: values.summary,
          recommendedAction: values.recommendedAction,
          againstSubjectRefs: against,
          offences: values.offenceCode.trim() ? [{ code: values.offenceCode.trim(), lawRef: values.offenceLaw.trim() }] : [],
        },
      })}
    >
      <div className="grid">
        <FormSelect label={t('actions.recordFinding.result')} required placeholder={t('actions.choose')} options={useCodeOptions('codes.findingResult', FINDING_RESULTS)} {...bind('result')} />
        <FormSelect label={t('actions.recordFinding.recommendedAction')} required options={useCodeOptions('codes.recommendedAction', RECOMMENDED_ACTIONS)} {...bind('recommendedAction')} />
      </div>
      <AccusedPicker content={props.content} picked={against} onChange={setAgainst} />
      <FormArea label={t('actions.recordFinding.summary')} required maxLength={10000} {...bind('summary')} />
      <div className="grid">
        <FormText label={t('actions.recordFinding.offenceCode')} {...bind('offenceCode')} name="offences[0].code" />
        <FormText label={t('actions.recordFinding.offenceLaw')} {...bind('offenceLaw')} name="offences[0].lawRef" />
      </div>
    </ActionForm>
  );
}

export function ProposeClosureAction(props: ActionProps) {
  const { t } = useTranslation('cases');
  const { required } = useChecks();
  const { values, bind } = useFields({ disposition: '', reason: '', publicOutcomeStatement: '' });
  return (
    <ActionForm
      {...props}
      title={t('actions.proposeClosure.open')}
      submitLabel={t('actions.proposeClosure.submit')}
      validate={() =>
        localProblems({
          disposition: required(values.disposition),
          reason: REASON_REQUIRED_DISPOSITIONS.includes(values.disposition as Disposition) && required(values.reason) && t('actions.reasonRequired'),
        })
      }
      toInput={() => ({ path: 'propose-closure', body: compact(values) })}
    >
      <FormSelect label={t('actions.proposeClosure.disposition')} required placeholder={t('actions.choose')} options={useDispositionOptions(DISPOSITIONS)} {...bind('disposition')} />
      <FormArea label={t('actions.proposeClosure.reason')} hint={t('actions.proposeClosure.reasonHint')} maxLength={2000} {...bind('reason')} />
      <FormArea label={t('actions.proposeClosure.publicOutcomeStatement')} maxLength={5000} {...bind('publicOutcomeStatement')} />
    </ActionForm>
  );
}

export function RejectClosureAction(props: ActionProps) {
  const { t } = useTranslation('cases');
  const { required } = useChecks();
  const { values, bind } = useFields({ reason: '', returnTo: 'fact_finding' });
  return (
    <ActionForm
      {...props}
      title={t('actions.rejectClosure.open')}
      submitLabel={t('actions.rejectClosure.submit')}
      validate={() => localProblems({ reason: required(values.reason), returnTo: required(values.returnTo) })}
      toInput={() => ({ path: 'reject-closure', body: values })}
    >
      <FormArea label={t('actions.rejectClosure.reason')} required maxLength={2000} {...bind('reason')} />
      <FormSelect label={t('actions.rejectClosure.returnTo')} required options={useCodeOptions('codes.closureReturn', CLOSURE_RETURN_TARGETS)} {...bind('returnTo')} />
    </ActionForm>
  );
}

export function CloseAction(props: ActionProps) {
  const { t } = useTranslation('cases');
  const { required } = useChecks();
  const { values, bind } = useFields({ disposition: '', reason: '' });
  const early = props.detail.phase === 'registered' || props.detail.phase === 'screening';
  const options = useDispositionOptions(early ? NON_MERIT_DISPOSITIONS : DISPOSITIONS);
  return (
    <ActionForm
      {...props}
      title={t('actions.close.open')}
      submitLabel={t('actions.close.submit')}
      validate={() =>
        localProblems({
          disposition: required(values.disposition),
          reason: REASON_REQUIRED_DISPOSITIONS.includes(values.disposition as Disposition) && required(values.reason) && t('actions.reasonRequired'),
        })
      }
      toInput={() => ({ path: 'close', body: compact(values) })}
    >
      <FormSelect label={t('actions.close.disposition')} required placeholder={t('actions.choose')} options={options} {...bind('disposition')} />
      <FormArea label={t('actions.close.reason')} maxLength={2000} {...bind('reason')} />
    </ActionForm>
  );
}

export function SuspendAction(props: ActionProps) {
  const { t } = useTranslation('cases');
  const { required, future } = useChecks();
  const { values, bind } = useFields({ reason: '', until: '' });
  return (
    <ActionForm
      {...props}
      title={t('actions.suspend.open')}
      submitLabel={t('actions.suspend.submit')}
      validate={() => localProblems({ reason: required(values.reason), until: future(values.until, true) })}
      toInput={() => ({ path: 'suspend', body: compact({ reason: values.reason, until: bangkokInputToIso(values.until) }) })}
    >
      <FormArea label={t('actions.suspend.reason')} required maxLength={2000} {...bind('reason')} />
      <FormText label={t('actions.suspend.until')} type="datetime-local" min={bangkokNowInput()} {...bind('until')} />
    </ActionForm>
  );
}

export function ReopenAction(props: ActionProps) {
  const { t } = useTranslation('cases');
  const { required } = useChecks();
  const { values, bind } = useFields({ reason: '', reopenedTo: 'fact_finding' });
  return (
    <ActionForm
      {...props}
      title={t('actions.reopen.open')}
      submitLabel={t('actions.reopen.submit')}
      validate={() => localProblems({ reason: required(values.reason), reopenedTo: required(values.reopenedTo) })}
      toInput={() => ({ path: 'reopen', body: values })}
    >
      <FormSelect label={t('actions.reopen.reason')} required placeholder={t('actions.choose')} options={useCodeOptions('codes.reopenReason', REOPEN_REASONS)} {...bind('reason')} />
      <FormSelect label={t('actions.reopen.reopenedTo')} required options={useCodeOptions('codes.reopenTarget', REOPEN_TARGETS)} {...bind('reopenedTo')} />
    </ActionForm>
  );
}

export function SetDeadlineAction(props: ActionProps) {
  const { t } = useTranslation('cases');
  const { required, future } = useChecks();
  const free = DEADLINE_KINDS.filter((kind) => !props.detail.deadlines[kind]);
  const { values, bind } = useFields({ kind: free[0] ?? '', dueAt: '' });
  return (
    <ActionForm
      {...props}
      title={t('actions.setDeadline.open')}
      submitLabel={t('actions.setDeadline.submit')}
      validate={() => localProblems({ kind: required(values.kind), dueAt: future(values.dueAt) })}
      toInput={() => ({ path: 'set-deadline', body: { kind: values.kind, dueAt: bangkokInputToIso(values.dueAt) } })}
    >
      <div className="grid">
        <FormSelect label={t('actions.setDeadline.kind')} required options={useCodeOptions('codes.deadlineKind', free)} {...bind('kind')} />
        <FormText label={t('actions.setDeadline.dueAt')} required type="datetime-local" min={bangkokNowInput()} {...bind('dueAt')} />
      </div>
    </ActionForm>
  );
}

export function ExtendDeadlineAction(props: ActionProps) {
  const { t } = useTranslation('cases');
  const me = useUser();
  const { required } = useChecks();
  const kinds = extendableKinds(props.detail, me.roles);
  const first = kinds.find((k) => k.kind === props.detail.dueKind) ?? kinds[0];
  const { values, bind } = useFields({ kind: first?.kind ?? '', days: '', reason: '' });
  const maxDays = kinds.find((k) => k.kind === values.kind)?.maxDays ?? 730;
  const kindOptions = useCodeOptions('codes.deadlineKind', kinds.map((k) => k.kind));
  return (
    <ActionForm
      {...props}
      title={t('actions.extendDeadline.open')}
      submitLabel={t('actions.extendDeadline.submit')}
      validate={() =>
        localProblems({
          kind: required(values.kind),
          days:
            required(values.days) ??
            (!(Number.isInteger(Number(values.days)) && Number(values.days) >= 1) ? t('actions.positive') : Number(values.days) > maxDays && t('actions.extendDeadline.tooLong', { max: maxDays })),
          reason: required(values.reason),
        })
      }
      toInput={() => ({ path: 'extend-deadline', body: { kind: values.kind, days: Number(values.days), reason: values.reason } })}
    >
      <div className="grid">
        <FormSelect label={t('actions.extendDeadline.kind')} required options={kindOptions} {...bind('kind')} />
        <FormText label={t('actions.extendDeadline.days')} required type="number" min={1} max={maxDays} step={1} hint={t('actions.extendDeadline.max', { max: maxDays })} {...bind('days')} />
      </div>
      <FormArea label={t('actions.extendDeadline.reason')} required maxLength={2000} {...bind('reason')} />
    </ActionForm>
  );
}

export function ReferAction(props: ActionProps) {
  const { t } = useTranslation('cases');
  const { required } = useChecks();
  const { values, bind } = useFields({ toAgency: '', referralType: '', referenceNo: '' });
  return (
    <ActionForm
      {...props}
      title={t('actions.refer.open')}
      submitLabel={t('actions.refer.submit')}
      validate={() => localProblems({ toAgency: required(values.toAgency), referralType: required(values.referralType) })}
      toInput={() => ({ path: 'refer', body: compact(values) })}
    >
      <div className="grid">
        <FormSelect label={t('actions.refer.toAgency')} required placeholder={t('actions.choose')} options={useCodeOptions('codes.referralTarget', REFERRAL_TARGETS)} {...bind('toAgency')} />
        <FormSelect label={t('actions.refer.referralType')} required placeholder={t('actions.choose')} options={useCodeOptions('codes.referralType', REFERRAL_TYPES)} {...bind('referralType')} />
      </div>
      <FormText label={t('actions.refer.referenceNo')} maxLength={100} {...bind('referenceNo')} />
    </ActionForm>
  );
}

export function RequestInfoAction(props: ActionProps) {
  const { t } = useTranslation('cases');
  const { required } = useChecks();
  const tips = props.detail.tipIds;
  const { values, bind } = useFields({ tipId: tips[0] ?? '', question: '' });
  const tipLabel = (id: string) => props.content?.tips.find((tip) => tip.tipId === id)?.tipNo ?? id.slice(0, 8);
  return (
    <ActionForm
      {...props}
      title={t('actions.requestInfo.open')}
      submitLabel={t('actions.requestInfo.submit')}
      validate={() => localProblems({ tipId: required(values.tipId), question: required(values.question) })}
      toInput={() => ({ path: 'request-info', body: values })}
    >
      <FormSelect label={t('actions.requestInfo.tipId')} required options={tips.map((id) => ({ value: id, label: tipLabel(id) }))} {...bind('tipId')} />
      <FormArea label={t('actions.requestInfo.question')} required maxLength={2000} {...bind('question')} />
    </ActionForm>
  );
}

export function IdentityRequestAction(props: ActionProps) {
  const { t } = useTranslation('cases');
  const { required } = useChecks();
  const { values, bind } = useFields({ motivation: '' });
  return (
    <ActionForm
      {...props}
      title={t('actions.identityRequest.open')}
      submitLabel={t('actions.identityRequest.submit')}
      intro={<p className="muted">{t('actions.identityRequest.hint')}</p>}
      validate={() => localProblems({ motivation: required(values.motivation) })}
      toInput={() => ({ path: 'identity-access-requests', body: values, ifMatch: false })}
    >
      <FormArea label={t('actions.identityRequest.motivation')} required maxLength={2000} {...bind('motivation')} />
    </ActionForm>
  );
}
