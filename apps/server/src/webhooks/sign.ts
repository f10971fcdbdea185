import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The `X-Laneflow-Signature` header of a delivery: `t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "<t>.<body>">`. The timestamp is signed with the body, so a receiver can refuse old replays.
 */
export const signature = (secret: string, body: string, unixSeconds: number): string =>
  `t=${unixSeconds},v1=${createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex')}`;

/** What a receiver does: true iff `header` signs `body` with `secret`. */
export const verifySignature = (secret: string, body: string, header: string): boolean => {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!m) return false;
  const expected = signature(secret, body, Number(m[1]));
  return timingSafeEqual(Buffer.from(expected), Buffer.from(header));
};
