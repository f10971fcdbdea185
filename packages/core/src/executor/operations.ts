import type { NodeSpec, NodeSpecOf } from '../dag.ts';
import type { Ratings } from '../escalation.ts';
import type { Json } from '../signals.ts';
import { renderTemplate, resolveMapping, type TemplateScope } from '../template.ts';
import type { Tier } from '../tier.ts';
import { EscalationError } from './escalate.ts';
import { type Provider, ProviderError, type TokenUsage, type WorkContext } from './provider.ts';

export interface SpawnOptions {
  dependsOn?: string[];
  id?: string;
  /** Extra template values for the child, e.g. a map item. */
  scope?: TemplateScope;
}

/** What an operation may see and do while it runs. */
export interface OperationContext {
  runId: string;
  nodeId: string;
  attempt: number;
  /** Which try of the work this is: the attempt, less attempts a restart interrupted. */
  tries: number;
  tier: number;
  tierSpec: Tier;
  spec: NodeSpec;
  /** Run inputs (`inputs`), upstream outputs by node id, and `item` / `index` in map children. */
  scope: TemplateScope;
  signal: AbortSignal;
  providerFor(tier: number): Provider;
  tierAt(tier: number): Tier;
  sleep(ms: number): Promise<void>;
  delta(text: string): void;
  usage(tier: number, model: string, usage: TokenUsage): void;
  /** Adds a node to the run (bounded, no cycles); returns its id. */
  spawn(spec: Record<string, unknown>, options?: SpawnOptions): string;
  /** Waits for nodes (and their escalation chains) to succeed; returns their outputs in order. */
  waitFor(ids: string[]): Promise<Json[]>;
  /**
   * Attaches a note to the answer this attempt will give: an `fyi` escalation request, recorded
   * (`escalation.requested`) and routed nowhere; the node goes on and answers.
   */
  note(reason: string, evidence?: string[]): void;
}

/** One node kind's work. `rate` makes it gateable. */
export interface Operation {
  /** The answer; work that needs nothing asynchronous may return it directly. */
  work(ctx: OperationContext, context: WorkContext): Json | Promise<Json>;
  rate?(
    ctx: OperationContext,
    output: Json,
    round: number,
    categories: string[],
    raterTier: number,
  ): Promise<Ratings>;
}

const llmRequest = (ctx: OperationContext, spec: NodeSpecOf<'llm'>) => ({
  prompt: renderTemplate(spec.prompt, ctx.scope),
  ...(spec.system !== undefined && { system: renderTemplate(spec.system, ctx.scope) }),
  ...(spec.sim !== undefined && { sim: spec.sim }),
  nodeId: ctx.nodeId,
  attempt: ctx.tries,
});

/** A failed call that was billed anyway (`ProviderError.spent`) still emits its usage, then rethrows. */
const emitSpent =
  (ctx: OperationContext, tier: number) =>
  (err: unknown): never => {
    if (err instanceof ProviderError && err.spent) ctx.usage(tier, err.spent.model, err.spent.usage);
    throw err;
  };

const llm: Operation = {
  async work(ctx, context) {
    const spec = ctx.spec as NodeSpecOf<'llm'>;
    const c = await ctx
      .providerFor(ctx.tier)
      .complete(
        {
          ...llmRequest(ctx, spec),
          ...context,
          format: spec.output?.format ?? 'text',
          ...(spec.output?.schema !== undefined && { schema: spec.output.schema }),
          tier: ctx.tier,
          tierSpec: ctx.tierSpec,
        },
        { signal: ctx.signal, sleep: ctx.sleep, onDelta: ctx.delta },
      )
      .catch(emitSpent(ctx, ctx.tier));
    ctx.usage(ctx.tier, c.model, c.usage);
    if (c.note && !c.escalate) ctx.note(c.note.reason);
    if (c.escalate)
      throw new EscalationError({
        reason: c.escalate.reason,
        trigger: 'out_of_depth',
        urgency: 'blocked',
        fromTier: ctx.tier,
        ...(c.escalate.humanRequired !== undefined && { humanRequired: c.escalate.humanRequired }),
      });
    return c.output;
  },
  async rate(ctx, output, round, categories, raterTier) {
    const spec = ctx.spec as NodeSpecOf<'llm'>;
    const tierSpec = ctx.tierAt(raterTier);
    const r = await ctx
      .providerFor(raterTier)
      .rate(
        { ...llmRequest(ctx, spec), output, categories, round, tier: raterTier, tierSpec },
        { signal: ctx.signal, sleep: ctx.sleep },
      )
      .catch(emitSpent(ctx, raterTier));
    ctx.usage(raterTier, r.model, r.usage);
    return r.ratings;
  },
};

const transform: Operation = {
  work(ctx) {
    return resolveMapping((ctx.spec as NodeSpecOf<'transform'>).mapping, ctx.scope);
  },
};

/** Fans out one `llm` child per item and gathers their outputs in item order. */
const map: Operation = {
  async work(ctx) {
    const spec = ctx.spec as NodeSpecOf<'map'>;
    const items = resolveMapping(spec.items, ctx.scope);
    if (!Array.isArray(items))
      throw new ProviderError(`items ${spec.items} is not a list`, 'invalid_items', false);
    if (items.length > spec.maxItems)
      throw new ProviderError(
        `${items.length} items exceed maxItems ${spec.maxItems}`,
        'too_many_items',
        false,
      );
    const ids = items.map((item, index) => {
      const c = mapChild(spec, ctx.nodeId, item, index);
      return ctx.spawn(c.spec, c.options);
    });
    return ctx.waitFor(ids);
  },
};

/** The child a map spawns for one item: the one definition, for the map and for a run resumed from its log. */
export const mapChild = (
  spec: NodeSpecOf<'map'>,
  nodeId: string,
  item: Json,
  index: number,
): { spec: Record<string, unknown>; options: SpawnOptions & { id: string } } => {
  const {
    id: _id,
    kind: _kind,
    items: _items,
    maxItems: _max,
    position: _pos,
    approval: _a,
    ...child
  } = spec;
  return {
    spec: { ...child, kind: 'llm', label: `${spec.label ?? spec.id} [${index}]` },
    options: { id: `${nodeId}[${index}]`, scope: { item, index } },
  };
};

export const operations: Record<NodeSpec['kind'], Operation | undefined> = {
  llm,
  transform,
  map,
  // Approval nodes are waits, not work: the executor handles them.
  approval: undefined,
};
