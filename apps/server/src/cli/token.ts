import { parseArgs } from 'node:util';
import { RoleSchema, roles } from '@laneflow/core';
import { createRemoteTransport } from '@laneflow/sdk';
import { UsageError } from './usage.ts';

/** `laneflow token create|list|revoke`: through the server's admin API, so it works while it runs. */
export const token = async (args: string[]): Promise<number> => {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { role: { type: 'string' }, server: { type: 'string' }, token: { type: 'string' } },
  });
  const [action, name, ...rest] = positionals;
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
  if (!action) throw new UsageError('give an action: create <name> --role R, list, or revoke <name>');
  const adminToken = values.token ?? process.env.LANEFLOW_TOKEN;
  if (!adminToken) throw new UsageError('an admin token is needed: --token or LANEFLOW_TOKEN');
  const server = createRemoteTransport({
    baseUrl: values.server ?? process.env.LANEFLOW_SERVER ?? 'http://127.0.0.1:8787',
    token: adminToken,
  });
  if (action === 'list') {
    for (const t of await server.listTokens())
      console.log(`${t.name.padEnd(24)} ${t.role.padEnd(9)} ${t.source.padEnd(11)} ${t.createdAt}`);
    return 0;
  }
  if (!name) throw new UsageError(`give the token's name: laneflow token ${action} <name>`);
  if (action === 'create') {
    const role = RoleSchema.safeParse(values.role);
    if (!role.success) throw new UsageError(`--role must be one of ${roles.join(', ')}`);
    const created = await server.createToken({ name, role: role.data });
    console.log(created.token);
    console.error(`token "${created.name}" (${created.role}) created; it is shown only this once`);
    return 0;
  }
  if (action === 'revoke') {
    await server.revokeToken(name);
    console.error(`token "${name}" revoked`);
    return 0;
  }
  throw new UsageError(`unknown action "${action ?? ''}": create, list or revoke`);
};
