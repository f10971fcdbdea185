import type { Ratings } from '../../escalation.ts';
import type { CompletionRequest, RatingRequest } from '../../executor/provider.ts';

const escalateShape = '{"escalate": {"reason": "<one sentence: what is missing>", "humanRequired": false}}';
const whenToEscalate =
  'If you cannot do this task reliably (it needs knowledge, tools or judgement you do not have, or a ' +
  'decision only a person may take), do not guess';
const humanRequiredNote = 'Set "humanRequired" to true only when a person must decide.';

/** The instruction appended to the system prompt of every completion (see docs/adr/0007). */
export const escalationInstruction = (format: 'text' | 'json' | 'envelope'): string =>
  format === 'envelope'
    ? `${whenToEscalate}: reply {"answer": null, "escalate": {"reason": "<one sentence: what is missing>", "humanRequired": false}} instead. ${humanRequiredNote}`
    : format === 'json'
      ? `${whenToEscalate}: reply with only ${escalateShape} instead. ${humanRequiredNote}`
      : `${whenToEscalate}: reply with only this JSON object and nothing else: ${escalateShape}. ${humanRequiredNote}`;

const fmt = (ratings: Ratings): string =>
  Object.entries(ratings)
    .map(([c, v]) => `${c} ${v.toFixed(2)}`)
    .join(', ');

/** The chat messages for a completion: the node's system prompt plus format and escalation rules. */
export const completionMessages = (
  req: CompletionRequest,
  escalation = true,
): { role: 'system' | 'user'; content: string }[] => {
  const envelope = req.format === 'json' && req.schema !== undefined;
  const system: string[] = [];
  if (req.system) system.push(req.system);
  if (envelope)
    system.push(
      `Reply with a single JSON object {"answer": <your answer>, "escalate": null} and nothing else, where the answer matches this JSON Schema: ${JSON.stringify(req.schema)}. To flag something a person should know while still answering, add "note": "<one sentence>".`,
    );
  else if (req.format === 'json') system.push('Reply with a single JSON object and nothing else.');
  if (escalation) system.push(escalationInstruction(envelope ? 'envelope' : req.format));
  let user = req.prompt;
  if (req.escalation) {
    const e = req.escalation;
    user += `\n\n---\nThis task was escalated to you from a lower tier (tier ${e.fromTier}): ${e.reason}.`;
    if (e.ratings) user += ` Its ratings were: ${fmt(e.ratings)}. Do better where they were low.`;
  }
  if (req.feedback) {
    const f = req.feedback;
    user += `\n\n---\nA previous answer to this task was rated ${fmt(f.ratings)} (overall ${f.overall.toFixed(2)}, target ${f.target}). Answer again: improve where the ratings are low, and seek and state evidence.`;
  }
  return [
    ...(system.length > 0 ? [{ role: 'system' as const, content: system.join('\n\n') }] : []),
    { role: 'user', content: user },
  ];
};

const categoryHelp: Record<string, string> = {
  correctness: 'is it right?',
  completeness: 'does it do everything the task asks?',
  evidence: 'are its claims supported by evidence or reasoning shown?',
  risk: 'is it safe to act on (1 = low risk if used as is)?',
};

/** The chat messages asking a model to rate work for the confidence gate (see docs/adr/0007). */
export const ratingMessages = (req: RatingRequest): { role: 'system' | 'user'; content: string }[] => {
  const cats = req.categories.map((c) => `- ${c}${categoryHelp[c] ? `: ${categoryHelp[c]}` : ''}`);
  const example = JSON.stringify({ ratings: Object.fromEntries(req.categories.map((c) => [c, 0.5])) });
  const answer = typeof req.output === 'string' ? req.output : JSON.stringify(req.output, null, 2);
  return [
    {
      role: 'system',
      content: [
        'You are a strict reviewer. Rate how well the answer below does the task, in each category, with a number from 0 (fails completely) to 1 (certainly right, nothing missing). Be calibrated: rate 0.9 or more only when you are confident.',
        `Categories:\n${cats.join('\n')}`,
        `Reply with only a JSON object like ${example} and nothing else.`,
      ].join('\n\n'),
    },
    { role: 'user', content: `Task:\n${req.prompt}\n\nAnswer:\n${answer}` },
  ];
};
