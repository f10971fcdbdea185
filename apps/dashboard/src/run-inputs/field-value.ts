import type { Json, RunInputField } from '@laneflow/core';

/** What a form control shows for a value: text for inputs and selects, JSON for arrays and objects. */
export const toText = (field: RunInputField, value: Json | undefined): string => {
  if (value === undefined) return '';
  if (field.type === 'array' || field.type === 'object') return JSON.stringify(value, null, 2);
  return typeof value === 'string' ? value : JSON.stringify(value);
};

/**
 * The value a control's text stands for, or `undefined` for an empty control (the default then
 * applies, or "is required" is said). Text that is not the field's type is passed on as text, so the
 * schema check names the field instead of the form guessing.
 */
export const fromText = (field: RunInputField, text: string): Json | undefined => {
  if (text.trim() === '') return undefined;
  switch (field.type) {
    case 'number':
    case 'integer': {
      const n = Number(text);
      return Number.isFinite(n) ? n : text;
    }
    case 'array':
    case 'object':
      try {
        return JSON.parse(text) as Json;
      } catch {
        return text;
      }
    case 'boolean':
      return text === 'true';
    default:
      // An enum of numbers or booleans comes back from a select as text.
      return field.enum?.find((v) => String(v) === text) ?? text;
  }
};
