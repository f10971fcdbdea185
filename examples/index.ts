import researchBrief from './research-brief.json' with { type: 'json' };

/** The example DAGs, as raw documents: validate them with `validateDag` before use. */
export const exampleDags: unknown[] = [researchBrief];
