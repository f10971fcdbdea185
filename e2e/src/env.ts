/** What the global setup hands the tests (through the environment, which workers inherit). */
export const ADMIN = { name: 'e2e-admin', token: 'lf_e2e_admin_token_0123456789' } as const;
export const VIEWER = { name: 'e2e-viewer', token: 'lf_e2e_viewer_token_0123456789' } as const;

/** The running server's origin, e.g. http://127.0.0.1:40123 (set by the global setup). */
export const serverUrl = (): string => {
  const url = process.env.LANEFLOW_E2E_URL;
  if (!url) throw new Error('LANEFLOW_E2E_URL is not set: the global setup did not start the server');
  return url;
};
