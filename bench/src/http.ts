/** Calls a laneflow server's API with a bearer token; any status of 300 or more throws with the body. */
export const apiClient =
  (baseUrl: string, token: string) =>
  async (method: string, path: string, body?: unknown): Promise<Record<string, unknown>> => {
    const res = await fetch(baseUrl + path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<Record<string, unknown>>;
  };
