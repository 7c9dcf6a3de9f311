import { useState, type ComponentType } from 'react';
import { useTranslation } from 'react-i18next';
import { CASE_ALLOWED_COMMANDS, type CaseCommandType } from '#domain';
import type { CommandResult } from '../../shared/api.js';
import { Notice, useFormat } from '../../shared/ui.js';
import { useAuth, useUser } from '../../staff/auth.js';
import type { ActionProps } from './action-form.js';
import {
  AddAccusedAction,
  AddNoteAction,
  AddWitnessAction,
  AssignAction,
  ClassifyAction,
  CloseAction,
  ConfirmAction,
  ExtendDeadlineAction,
  IdentityRequestAction,
  ProposeClosureAction,
  RecordFindingAction,
  RecordStepAction,
  ReferAction,
  RejectClosureAction,
  ReopenAction,
  RequestInfoAction,
  SetDeadlineAction,
  SuspendAction,
  UnassignAction,
} from './action-forms.js';
import type { CaseContent, CaseDetail } from './types.js';
import { extendableKinds } from './policy.js';

const CASEWORK = ['investigator', 'supervisor'];
const SUPERVISOR = ['supervisor'];
const INTAKE = ['intake_officer', 'investigator', 'supervisor'];

interface ActionDef {
  id: string;
  /** The case command, checked against the phase (CASE_ALLOWED_COMMANDS); null: not a case command. */
  command: CaseCommandType | null;
  /** Roles the route accepts (libs/http/src/routes/cases.routes.ts); the server decides in the end. */
  roles: readonly string[];
  /** Further conditions on the case and the user. */
  when?: (detail: CaseDetail, user: { userId: string; roles: readonly string[] }) => boolean;
  Form: ComponentType<ActionProps>;
}

const confirm = (key: string, path: string, warning?: (detail: CaseDetail, t: (key: string) => string) => string | undefined): ComponentType<ActionProps> =>
  function Confirm(props: ActionProps) {
    const { t } = useTranslation('cases');
    return <ConfirmAction {...props} title={t(`actions.${key}.open`)} submit={t(`actions.${key}.submit`)} path={path} warning={warning?.(props.detail, t)} />;
  };

/** In the order an officer needs them: the phase's main moves first, then parties, then upkeep. */
const ACTIONS: readonly ActionDef[] = [
  { id: 'startScreening', command: 'StartScreening', roles: INTAKE, Form: confirm('startScreening', 'start-screening') },
  { id: 'classify', command: 'ClassifyCase', roles: INTAKE, Form: ClassifyAction },
  {
    id: 'startFactFinding',
    command: 'StartFactFinding',
    roles: CASEWORK,
    Form: confirm('startFactFinding', 'start-fact-finding', (detail, t) => (detail.classifiedAt ? undefined : t('actions.startFactFinding.needsClassification'))),
  },
  { id: 'recordStep', command: 'RecordInvestigationStep', roles: CASEWORK, Form: RecordStepAction },
  { id: 'proposeClosure', command: 'ProposeClosure', roles: CASEWORK, Form: ProposeClosureAction },
  // The approver must not be the proposer (the decider refuses it): the proposer is not offered either decision.
  { id: 'approveClosure', command: 'ApproveClosure', roles: SUPERVISOR, when: (d, u) => d.pendingClosure?.proposedBy !== u.userId, Form: confirm('approveClosure', 'approve-closure') },
  { id: 'rejectClosure', command: 'RejectClosure', roles: SUPERVISOR, when: (d, u) => d.pendingClosure?.proposedBy !== u.userId, Form: RejectClosureAction },
  { id: 'addAccused', command: 'AddAccusedPerson', roles: CASEWORK, Form: AddAccusedAction },
  { id: 'addWitness', command: 'AddWitness', roles: CASEWORK, Form: AddWitnessAction },
  { id: 'recordFinding', command: 'RecordFinding', roles: CASEWORK, Form: RecordFindingAction },
  { id: 'escalate', command: 'EscalateToInquiry', roles: CASEWORK, Form: confirm('escalate', 'escalate-to-inquiry') },
  { id: 'refer', command: 'ReferCase', roles: CASEWORK, Form: ReferAction },
  { id: 'requestInfo', command: 'RequestInfoFromReporter', roles: CASEWORK, when: (d) => d.tipIds.length > 0, Form: RequestInfoAction },
  { id: 'addNote', command: 'AddInternalNote', roles: CASEWORK, Form: AddNoteAction },
  { id: 'assign', command: 'AssignCase', roles: SUPERVISOR, Form: AssignAction },
  { id: 'unassign', command: 'UnassignCase', roles: SUPERVISOR, when: (d) => d.assignees.length > 0, Form: UnassignAction },
  { id: 'setDeadline', command: 'SetDeadline', roles: CASEWORK, Form: SetDeadlineAction },
  { id: 'extendDeadline', command: 'ExtendDeadline', roles: ['supervisor', 'admin'], when: (d, u) => extendableKinds(d, u.roles).length > 0, Form: ExtendDeadlineAction },
  { id: 'suspend', command: 'SuspendCase', roles: CASEWORK, Form: SuspendAction },
  { id: 'resume', command: 'ResumeCase', roles: CASEWORK, Form: confirm('resume', 'resume') },
  // In `decision` the office closes only through approval (closureApprovalRequired): the direct close is not offered there.
  { id: 'close', command: 'CloseCase', roles: CASEWORK, when: (d) => d.phase !== 'decision', Form: CloseAction },
  { id: 'reopen', command: 'ReopenCase', roles: SUPERVISOR, when: (d) => !d.mergedInto, Form: ReopenAction },
  { id: 'identityRequest', command: null, roles: CASEWORK, when: (d) => d.tipIds.length > 0, Form: IdentityRequestAction },
];

/**
 * The actions the case's current phase allows (CASE_ALLOWED_COMMANDS, the decider's own table) and the user's
 * roles permit: a bar of buttons, each opening its form below; one form at a time.
 */
export function CaseActions({ detail, content }: { detail: CaseDetail; content: CaseContent | undefined }) {
  const { t } = useTranslation('cases');
  const format = useFormat();
  const { hasRole } = useAuth();
  const me = useUser();
  const [open, setOpen] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const allowed = CASE_ALLOWED_COMMANDS[detail.phase];
  const available = ACTIONS.filter((action) => (action.command === null || allowed.includes(action.command)) && hasRole(...action.roles) && (action.when?.(detail, me) ?? true));
  const current = available.find((action) => action.id === open);
  const ownProposal = detail.pendingClosure?.proposedBy === me.userId;

  const finish = (id: string) => (_result: CommandResult) => {
    setOpen(null);
    setDone(id === 'identityRequest' ? t('actions.identityRequest.sent') : t('actions.done', { action: t(`actions.${id}.open`) }));
  };

  return (
    <section className="card" aria-labelledby="case-actions-title">
      <h2 id="case-actions-title">{t('actions.title')}</h2>
      <p className="muted small">{t('actions.hint', { phase: format.code('phase', detail.phase) })}</p>
      <div role="status" aria-live="polite">
        {done ? <Notice kind="success">{done}</Notice> : null}
      </div>
      {ownProposal && hasRole('supervisor') ? <Notice kind="info">{t('case.ownProposal')}</Notice> : null}
      {available.length === 0 ? <p className="muted">{t('actions.none')}</p> : null}
      <div className="action-bar">
        {available.map((action) => (
          <button
            key={action.id}
            type="button"
            className="secondary"
            aria-expanded={open === action.id}
            aria-controls={open === action.id ? 'case-action-panel' : undefined}
            onClick={() => {
              setDone(null);
              setOpen(open === action.id ? null : action.id);
            }}
          >
            {t(`actions.${action.id}.open`)}
          </button>
        ))}
      </div>
      {current ? (
        <div id="case-action-panel">
          <current.Form key={`${current.id}:${detail.id}`} detail={detail} content={content} onDone={finish(current.id)} onCancel={() => setOpen(null)} />
        </div>
      ) : null}
    </section>
  );
}
