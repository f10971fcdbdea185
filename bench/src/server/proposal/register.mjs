// `node --import tsx --import ./src/server/proposal/register.mjs …`: see hook.mjs.
import { register } from 'node:module';

register('./hook.mjs', import.meta.url);
globalThis.__laneflowSseProposal = true;
