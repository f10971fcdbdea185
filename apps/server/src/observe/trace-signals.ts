import type { Signal } from '@laneflow/core';

/**
 * A committed batch as run spans read it: streamed text is left out, and outputs, prompts, payloads,
 * comments and gate ratings are emptied, so what is copied to the exporter's thread is sized by the
 * run's structure, not by what its models wrote (spans carry none of it).
 */
export const traceSignals = (batch: readonly Signal[]): Signal[] => {
  const out: Signal[] = [];
  for (const s of batch)
    switch (s.type) {
      case 'node.output_delta':
        break;
      case 'node.succeeded':
        out.push({ ...s, output: null, usage: undefined });
        break;
      case 'node.awaiting_approval':
        out.push({ ...s, prompt: '', payload: undefined });
        break;
      case 'approval.decided':
        out.push({ ...s, comment: undefined, output: undefined });
        break;
      case 'confidence.rated':
        out.push({ ...s, ratings: {} });
        break;
      default:
        out.push(s);
    }
  return out;
};
