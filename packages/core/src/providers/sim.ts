import type { Ratings } from '../escalation.ts';
import { type Completion, type Provider, ProviderError } from '../executor/provider.ts';
import type { Json } from '../signals.ts';
import type { SimBehaviour, SimSpec } from '../sim-spec.ts';
import type { Tier } from '../tier.ts';

/** The behaviour at one tier: defaults, overridden by `tiers[index]`, then `tiers[name]`. */
export const simBehaviourAt = (sim: SimSpec | undefined, tier: number, tierSpec: Tier): SimBehaviour => {
  if (sim === undefined) return {};
  const { tiers, ...defaults } = sim;
  return { ...defaults, ...tiers?.[String(tier)], ...tiers?.[tierSpec.name] };
};

const tokensFor = (text: string): number => Math.max(1, Math.ceil(text.length / 4));

const ratingsFor = (b: SimBehaviour, categories: string[], round: number): Ratings => {
  const c = b.confidence;
  const perRound = Array.isArray(c) ? c[Math.min(round, c.length) - 1] : c;
  return Object.fromEntries(
    categories.map((cat) => [cat, typeof perRound === 'number' ? perRound : (perRound?.[cat] ?? 1)]),
  );
};

/**
 * The deterministic simulated model. Everything it does is read from the node's `sim`
 * config for the tier it runs at: answer, confidence, latency (on the run's clock), tokens, failures
 * (the first `failTimes` attempts fail) and explicit escalation. Labelled as simulated in the UI.
 */
export const createSimProvider = (): Provider => ({
  async complete(req, { sleep, signal, onDelta }) {
    const b = simBehaviourAt(req.sim, req.tier, req.tierSpec);
    if (b.latencyMs) await sleep(b.latencyMs);
    signal.throwIfAborted();
    const usage = {
      inputTokens: b.tokens?.input ?? tokensFor(req.prompt),
      outputTokens: 0,
    };
    if (req.attempt <= (b.failTimes ?? 0))
      throw new ProviderError(b.failMessage ?? `simulated failure at ${req.tierSpec.name}`, 'sim_failure');
    const model = req.tierSpec.model;
    if (b.escalate) {
      usage.outputTokens = b.tokens?.output ?? tokensFor(b.escalate.reason);
      return { output: null, usage, model, escalate: b.escalate } satisfies Completion;
    }
    const output: Json = b.answer ?? `[${model}] ${req.prompt.slice(0, 120)}`;
    const text = typeof output === 'string' ? output : JSON.stringify(output);
    if (b.stream && onDelta) for (const chunk of text.match(/.{1,24}/gs) ?? []) onDelta(chunk);
    usage.outputTokens = b.tokens?.output ?? tokensFor(text);
    return { output, usage, model, ...(b.note && { note: b.note }) };
  },
  async rate(req) {
    const b = simBehaviourAt(req.sim, req.tier, req.tierSpec);
    return {
      ratings: ratingsFor(b, req.categories, req.round),
      usage: {
        inputTokens: tokensFor(JSON.stringify(req.output) ?? ''),
        outputTokens: 8 * req.categories.length,
      },
      model: req.tierSpec.model,
    };
  },
});
