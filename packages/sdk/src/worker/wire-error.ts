import { HttpError, NetworkError, ValidationError } from '../errors.ts';
import type { WireError } from './protocol.ts';

/** Flattens an error for `postMessage`, keeping what the SDK's error classes carry. */
export const toWireError = (err: unknown): WireError => {
  if (err instanceof HttpError)
    return { name: err.name, message: err.message, status: err.status, code: err.code, issues: err.issues };
  if (err instanceof ValidationError) return { name: err.name, message: err.message, issues: err.issues };
  if (err instanceof Error) return { name: err.name, message: err.message };
  return { name: 'Error', message: String(err) };
};

/** Re-creates the error on this side as the class it was thrown as, so `instanceof` checks hold. */
export const fromWireError = (w: WireError): Error => {
  if (w.name === 'HttpError')
    return new HttpError(w.status ?? 0, w.code ?? 'error', w.message, w.issues ?? []);
  if (w.name === 'ValidationError') return new ValidationError(w.message, w.issues ?? []);
  if (w.name === 'NetworkError') return new NetworkError(w.message);
  const err = new Error(w.message);
  err.name = w.name;
  return err;
};
