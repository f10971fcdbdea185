import type { Json } from '../signals.ts';
import type { TemplateScope } from '../template.ts';
import type { NodeRecord } from './node-record.ts';

/**
 * The run's template scope: its inputs, and the output of every chain that ended in success, by
 * root id. The outputs are read from the node records when a template names them instead of copied
 * into a dictionary as each chain ends: a 10,000-node run would fill a 10,000-entry table that few
 * templates read, and filling one that large costs more than the rest of a no-op node.
 *
 * A record as templates and operations see it (own properties, layered with `Object.create` for a
 * map child's item, which a write to the layer defines there), never reaching `Object.prototype`.
 */
export const createRunScope = (
  inputs: Record<string, Json>,
  nodes: ReadonlyMap<string, NodeRecord>,
): TemplateScope => {
  const read = (key: string | symbol): Json | undefined => {
    if (key === 'inputs') return inputs;
    if (typeof key !== 'string') return undefined;
    const node = nodes.get(key);
    // Only a chain's root carries the chain's resolution.
    return node?.resolution?.ok ? node.resolution.output : undefined;
  };
  return new Proxy(Object.create(null) as TemplateScope, {
    get: (_, key) => read(key),
    has: (_, key) => read(key) !== undefined,
    getOwnPropertyDescriptor: (_, key) => {
      const value = read(key);
      return value === undefined
        ? undefined
        : { value, writable: false, enumerable: true, configurable: true };
    },
    ownKeys: () => {
      const keys = ['inputs'];
      for (const id of nodes.keys()) if (read(id) !== undefined) keys.push(id);
      return keys;
    },
  });
};
