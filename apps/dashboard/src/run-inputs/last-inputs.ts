import type { Json } from '@laneflow/core';

const key = (dagId: string) => `laneflow.inputs.${dagId}`;

/** The inputs this browser last started `dagId` with, to prefill the next Run or Re-run. */
export const lastInputs = (dagId: string): Record<string, Json> | undefined => {
  try {
    const raw = localStorage.getItem(key(dagId));
    return raw ? (JSON.parse(raw) as Record<string, Json>) : undefined;
  } catch {
    return undefined;
  }
};

export const rememberInputs = (dagId: string, inputs: Record<string, Json>): void => {
  try {
    localStorage.setItem(key(dagId), JSON.stringify(inputs));
  } catch {
    // A full or disabled storage only costs the prefill next time.
  }
};
