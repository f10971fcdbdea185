import { useState } from 'react';
import { loginUrlProblem } from './saved.ts';
import { useConnection } from './store.ts';

/** Says, once, that the login link this page was opened with did not sign it in, and what still holds. */
export const LoginNotice = () => {
  const [problem, setProblem] = useState(loginUrlProblem);
  const server = useConnection((s) => s.server);
  if (!problem) return null;
  return (
    // Fixed at the bottom: over neither the header nor the page's own controls' row.
    <div
      className="lf-banner"
      role="alert"
      data-testid="login-notice"
      style={{ position: 'fixed', top: 'auto', bottom: 16, left: 16, right: 16 }}
    >
      <span>
        {problem}{' '}
        {server
          ? `You are still signed in to ${server.serverUrl.replace(/^https?:\/\//, '')}.`
          : 'You are not signed in to a server.'}
      </span>
      <button type="button" onClick={() => setProblem(undefined)}>
        Dismiss
      </button>
    </div>
  );
};
