import { createContext, useContext, useId, useState, type ChangeEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { CommandResult } from '../../shared/api.js';
import { ErrorMessage, SelectField, TextArea, TextField } from '../../shared/ui.js';
import { useCaseCommand, type CommandInput } from './hooks.js';
import type { CaseContent, CaseDetail } from './types.js';

/** What every action form gets from the case page. */
export interface ActionProps {
  detail: CaseDetail;
  content: CaseContent | undefined;
  /** Called once the command went through and the read model caught up (closes the panel, announces the result). */
  onDone: (result: CommandResult) => void;
  onCancel: () => void;
}

/** Form state: one string per field, and a change handler per field name. */
export function useFields<T extends Record<string, string>>(initial: T) {
  const [values, setValues] = useState<T>(initial);
  const bind = (name: keyof T & string) => ({
    name,
    value: values[name],
    onChange: (event: ChangeEvent<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>) => setValues((current) => ({ ...current, [name]: event.target.value })),
  });
  return { values, setValues, bind };
}

/**
 * One action's panel: heading, the fields, the error (local checks first, then the server's), submit and cancel.
 * `validate` returns the form's own problems (an ApiError) or null; `toInput` builds the request.
 */
export function ActionForm({
  title,
  submitLabel,
  detail,
  onDone,
  onCancel,
  validate,
  toInput,
  intro,
  children,
}: Pick<ActionProps, 'detail' | 'onDone' | 'onCancel'> & {
  title: string;
  submitLabel: string;
  validate?: () => unknown;
  toInput: () => CommandInput;
  intro?: ReactNode;
  children?: ReactNode;
}) {
  const { t } = useTranslation('cases');
  const headingId = useId();
  const [local, setLocal] = useState<unknown>(null);
  const command = useCaseCommand(detail.id, detail.version, onDone);
  const error = local ?? command.error;
  return (
    <form
      className="card action-panel"
      aria-labelledby={headingId}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        if (command.busy) return;
        const problems = validate?.() ?? null;
        setLocal(problems);
        if (problems) return;
        command.mutate(toInput());
      }}
    >
      <h3 id={headingId}>{title}</h3>
      {intro}
      <ErrorMessage error={error} />
      {/* Field components read the error to show each message under its field. */}
      <FieldErrorContext error={error}>{children}</FieldErrorContext>
      <div className="form-actions">
        <button type="submit" disabled={command.busy}>
          {submitLabel}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          {t('actions.cancel')}
        </button>
        {command.busy ? (
          <span className="muted" role="status">
            {t('common:state.saving')}
          </span>
        ) : null}
      </div>
    </form>
  );
}

const ErrorContext = createContext<unknown>(null);

function FieldErrorContext({ error, children }: { error: unknown; children?: ReactNode }) {
  return <ErrorContext.Provider value={error}>{children}</ErrorContext.Provider>;
}

/** The error of the enclosing ActionForm, for its fields' `error` prop. */
export function useFormError(): unknown {
  return useContext(ErrorContext);
}

/** The shared field components, with the enclosing ActionForm's error (local or server) passed in. */
export function FormText(props: Omit<Parameters<typeof TextField>[0], 'error'>) {
  return <TextField {...props} error={useFormError()} />;
}

export function FormArea(props: Omit<Parameters<typeof TextArea>[0], 'error'>) {
  return <TextArea {...props} error={useFormError()} />;
}

export function FormSelect(props: Omit<Parameters<typeof SelectField>[0], 'error'>) {
  return <SelectField {...props} error={useFormError()} />;
}
