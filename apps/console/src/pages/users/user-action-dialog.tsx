import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { api, unwrap } from '../../api/client';
import { session } from '../../auth/session';
import { FormDialog } from '../../ui/form-dialog';
import { userKeys, type User } from './user-queries';

export type UserAction = 'disable' | 'enable' | 'delete';

const wording: Record<UserAction, { title: string; submit: string; explain: (user: User, self: boolean) => string }> = {
  disable: {
    title: 'Disable user',
    submit: 'Disable user',
    explain: (user, self) => `${self ? 'You' : user.name} will be signed out at once; ${self ? 'your' : 'their'} sessions and API keys stop working until enabled again.`,
  },
  enable: { title: 'Enable user', submit: 'Enable user', explain: (user) => `${user.name} can sign in again, and their API keys work again.` },
  delete: {
    title: 'Delete user',
    submit: 'Delete user',
    explain: (user, self) =>
      self ? 'This is your own account: you will be signed out and cannot sign in again. This cannot be undone.' : `${user.name}, their sessions and their API keys are deleted. This cannot be undone.`,
  },
};

/**
 * Confirms disabling, enabling or deleting a user. The API refuses what would leave no enabled
 * admin (409), and that answer is shown here as it came.
 */
export function UserActionDialog({ target, selfId, onClose }: { target: { user: User; action: UserAction } | null; selfId: string | undefined; onClose: () => void }) {
  const queries = useQueryClient();
  const navigate = useNavigate();
  const act = useMutation({
    mutationFn: ({ user, action }: { user: User; action: UserAction }) =>
      action === 'delete'
        ? unwrap(api.DELETE('/api/v1/users/{id}', { params: { path: { id: user.id } } }))
        : unwrap(api.PATCH('/api/v1/users/{id}', { params: { path: { id: user.id } }, body: { disabled: action === 'disable' } })),
    onSuccess: async (_answer, { user, action }) => {
      if (user.id === selfId && action !== 'enable') {
        // Our own account is gone or locked: this session is over.
        await session.signOut();
        queries.clear();
        navigate('/sign-in');
        return;
      }
      void queries.invalidateQueries({ queryKey: userKeys.all });
      close();
    },
  });
  function close() {
    act.reset();
    onClose();
  }
  const words = target ? wording[target.action] : wording.delete;
  return (
    <FormDialog
      open={target !== null}
      title={words.title}
      submitLabel={words.submit}
      danger={target?.action !== 'enable'}
      onSubmit={() => target && act.mutate(target)}
      onClose={close}
      pending={act.isPending}
      error={act.error}
    >
      {target && (
        <p>
          <strong>{target.user.email}</strong>: {words.explain(target.user, target.user.id === selfId)}
        </p>
      )}
    </FormDialog>
  );
}
