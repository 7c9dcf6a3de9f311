import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { api, newIdempotencyKey } from '../../shared/api.js';
import { waitForCase } from './api.js';

interface OpenCaseResponse {
  id: string;
  streamId: string;
  version: number;
  caseNo: string;
  acceptedTipIds: string[];
}

/** Opens one case from one or several tips (they become `accepted`) and goes to it in the cases area. */
export function useOpenCase() {
  const navigate = useNavigate();
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (tipIds: string[]) => {
      const opened = await api<OpenCaseResponse>('/cases', { body: { origin: 'tip', sourceTipIds: tipIds }, idempotencyKey: newIdempotencyKey() });
      await waitForCase(opened.id);
      return opened;
    },
    onSuccess: async (opened) => {
      await client.invalidateQueries({ queryKey: ['intake'] });
      void navigate(`/cases/${opened.id}`);
    },
  });
}
