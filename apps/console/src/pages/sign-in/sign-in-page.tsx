import { useState, type FormEvent } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { api, problemFrom, unwrap } from '../../api/client';
import { problemOf } from '../../api/problem';
import { session } from '../../auth/session';
import { useSessionStatus } from '../../auth/use-session';
import { TextField } from '../../ui/fields';
import { ProblemMessage } from '../../ui/problem-message';
import { Loading } from '../../ui/states';

type Mode = 'sign-in' | 'sign-up';

/** Where to go after signing in: only a path of this console, never another site. */
function nextPath(value: string | null): string {
  return value && value.startsWith('/') && !value.startsWith('//') ? value : '/';
}

/** Sign in, or create an account: on a new platform, the first account becomes the administrator. */
export default function SignInPage() {
  const status = useSessionStatus();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [mode, setMode] = useState<Mode>('sign-in');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [fields, setFields] = useState({ name: '', email: '', password: '' });
  const next = nextPath(params.get('next'));

  if (status === 'unknown') return <Loading label="Opening your session…" />;
  if (status === 'signed-in' && !busy) return <Navigate to={next} replace />;

  const fieldError = (name: string) => problemOf(error).errors.find((problem) => problem.path === `/${name}`)?.message;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (mode === 'sign-up') await unwrap(api.POST('/api/v1/auth/register', { body: fields }));
      await session.signIn(fields.email, fields.password, problemFrom);
      navigate(next, { replace: true });
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  const set = (name: keyof typeof fields) => (event: { target: { value: string } }) => setFields({ ...fields, [name]: event.target.value });

  return (
    <main className="sign-in">
      <form className="card sign-in-card" onSubmit={(event) => void submit(event)} aria-labelledby="sign-in-title">
        <p className="brand">Flowgate</p>
        <h1 id="sign-in-title">{mode === 'sign-in' ? 'Sign in' : 'Create an account'}</h1>
        {mode === 'sign-up' && <p className="muted">On a new platform the first account becomes its administrator.</p>}
        {error !== null && <ProblemMessage error={error} />}
        {mode === 'sign-up' && <TextField label="Name" name="name" autoComplete="name" required value={fields.name} onChange={set('name')} error={fieldError('name')} />}
        <TextField label="Email" name="email" type="email" autoComplete="email" required value={fields.email} onChange={set('email')} error={fieldError('email')} />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete={mode === 'sign-in' ? 'current-password' : 'new-password'}
          minLength={mode === 'sign-up' ? 8 : undefined}
          required
          value={fields.password}
          onChange={set('password')}
          error={fieldError('password')}
          hint={mode === 'sign-up' ? 'At least 8 characters.' : undefined}
        />
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Please wait…' : mode === 'sign-in' ? 'Sign in' : 'Create account'}
        </button>
        <p className="sign-in-switch">
          {mode === 'sign-in' ? 'New here, or setting up this platform?' : 'Already have an account?'}{' '}
          <button
            type="button"
            className="link-button"
            onClick={() => {
              setMode(mode === 'sign-in' ? 'sign-up' : 'sign-in');
              setError(null);
            }}
          >
            {mode === 'sign-in' ? 'Create an account' : 'Sign in'}
          </button>
        </p>
      </form>
    </main>
  );
}
