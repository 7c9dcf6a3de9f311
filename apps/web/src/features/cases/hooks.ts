import { useCallback, useMemo, useRef, useState } from 'react';
import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ApiError, newIdempotencyKey, type CommandResult } from '../../shared/api.js';
import { useUser } from '../../staff/auth.js';
import type { CaseContent, CaseDetail } from './types.js';

export const caseKeys = {
  all: ['cases'] as const,
  list: ['cases', 'list'] as const,
  detail: (id: string) => ['cases', 'detail', id] as const,
  content: (id: string) => ['cases', 'content', id] as const,
};

export function useCaseDetail(id: string) {
  // Always re-read when the page opens: a case seen moments ago may have moved on (another user's approval).
  return useQuery({ queryKey: caseKeys.detail(id), queryFn: ({ signal }) => api<CaseDetail>(`/cases/${id}`, { signal }), refetchOnMount: 'always' });
}

/** The sealed content: fetched only once the user asked for it (every fetch is written to the access log). */
export function useCaseContent(id: string, enabled: boolean) {
  return useQuery({
    queryKey: caseKeys.content(id),
    queryFn: ({ signal }) => api<CaseContent>(`/cases/${id}/content`, { signal }),
    enabled,
    staleTime: Infinity,
    refetchOnWindowFocus: false,
    retry: false,
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Read models follow the log within moments: re-read the case until it shows `version` (or give up after ~5 s). */
export async function waitForCaseVersion(client: QueryClient, id: string, version: number): Promise<void> {
  for (let attempt = 0; attempt < 16; attempt++) {
    const detail = await client.fetchQuery({ queryKey: caseKeys.detail(id), queryFn: () => api<CaseDetail>(`/cases/${id}`), staleTime: 0 });
    if (detail.version >= version) break;
    await sleep(300);
  }
  await client.invalidateQueries({ queryKey: caseKeys.list });
  // The sealed content is re-read only if the user had it open (it reads the log itself: no lag).
  if (client.getQueryData(caseKeys.content(id))) await client.invalidateQueries({ queryKey: caseKeys.content(id) });
}

/** A colleague from the staff directory (GET /users/directory): no usernames, no disabled accounts. */
export interface StaffMember {
  userId: string;
  displayName: string;
  roles: string[];
  unitCode?: string;
}

/** The roles that may read the staff directory (the API's DIRECTORY_ROLES). */
const DIRECTORY_READERS = ['supervisor', 'investigator', 'intake_officer', 'clinic_staff', 'custodian', 'auditor', 'admin'];

/** The enabled staff of the user's office, by display name (one request, kept for five minutes). */
export function useStaffDirectory() {
  const me = useUser();
  return useQuery({
    queryKey: ['cases', 'directory'],
    queryFn: ({ signal }) => api<StaffMember[]>('/users/directory', { signal }),
    enabled: me.roles.some((role) => DIRECTORY_READERS.includes(role)),
    staleTime: 5 * 60_000,
  });
}

/**
 * Labels of user ids: "You" for the signed-in user, the display name from the staff directory, or a short id
 * for someone not in it (another office, a disabled account) or while the directory loads.
 */
export function useUserLabel(): (id: string | null | undefined) => string {
  const { t } = useTranslation('cases');
  const me = useUser();
  const directory = useStaffDirectory();
  const names = useMemo(() => new Map((directory.data ?? []).map((member) => [member.userId, member.displayName])), [directory.data]);
  return useCallback(
    (id) => (!id ? t('common:state.none') : id === me.userId ? t('case.you') : (names.get(id) ?? t('case.userId', { id: id.slice(0, 8) }))),
    [me.userId, names, t],
  );
}

export interface CommandInput {
  /** the route under /cases/{id}/ (e.g. `record-step`), or a full path from the API base */
  path: string;
  body?: unknown;
  form?: FormData;
  /** send If-Match (false for requests that are not about the case stream's version) */
  ifMatch?: boolean;
}

/**
 * Sends one command about a case: If-Match with the version on screen, one Idempotency-Key per submit (kept for
 * a retry after a network failure, renewed once the server answered), then waits for the read model to catch up.
 */
export function useCaseCommand<T extends CommandResult = CommandResult>(caseId: string, version: number, onDone?: (result: T) => void) {
  const client = useQueryClient();
  const key = useRef(newIdempotencyKey());
  const [settling, setSettling] = useState(false);
  const mutation = useMutation({
    mutationFn: (input: CommandInput) =>
      api<T>(input.path.startsWith('/') ? input.path : `/cases/${caseId}/${input.path}`, {
        method: 'POST',
        body: input.form ? undefined : (input.body ?? {}),
        form: input.form,
        ifMatch: input.ifMatch === false ? undefined : version,
        idempotencyKey: key.current,
      }),
    onSuccess: async (result, input) => {
      key.current = newIdempotencyKey();
      setSettling(true);
      try {
        // A command on another stream (an identity request) does not move the case: refresh without waiting.
        if (input.ifMatch === false) await client.invalidateQueries({ queryKey: caseKeys.detail(caseId) });
        else await waitForCaseVersion(client, caseId, result.version);
      } finally {
        setSettling(false);
      }
      onDone?.(result);
    },
    onError: (error) => {
      if (!(error instanceof ApiError && error.status === 0)) key.current = newIdempotencyKey();
      // Someone else moved the case on: show its current state, so the next submit is made on it.
      if (error instanceof ApiError && error.status === 409) void client.invalidateQueries({ queryKey: caseKeys.detail(caseId) });
    },
  });
  return { ...mutation, busy: mutation.isPending || settling };
}
